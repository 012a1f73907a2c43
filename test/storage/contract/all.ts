/** Every storage contract suite, in one list, so both adapters run exactly the same tests. */
import type { StorageKind } from '../../support/test-storage.js';
import { continuationContract } from './continuations.js';
import { counterContract } from './counters.js';
import { creationContract } from './creation.js';
import { fetchContract } from './fetch-leases.js';
import { localClaimContract } from './local-claims.js';
import { malformedRowContract } from './malformed-rows.js';
import { migrationContract } from './migrations.js';
import { monitoringContract } from './monitoring.js';
import { notificationContract } from './notifications.js';
import { parameterContract } from './parameters.js';
import { recurringContract } from './recurring.js';
import { recurringTicksContract } from './recurring-ticks.js';
import { schedulerContract } from './schedulers.js';
import { schemaDumpContract } from './schema-dump.js';
import { schemaNameContract } from './schema-names.js';
import { serverContract } from './servers.js';
import { stateChangeContract } from './state-changes.js';
import { transactionContract } from './transactions.js';
import { uniqueKeyContract } from './unique-keys.js';

export const CONTRACTS: readonly ((kind: StorageKind) => void)[] = [
  creationContract,
  fetchContract,
  localClaimContract,
  stateChangeContract,
  continuationContract,
  parameterContract,
  malformedRowContract,
  schedulerContract,
  serverContract,
  recurringContract,
  recurringTicksContract,
  monitoringContract,
  counterContract,
  notificationContract,
  transactionContract,
  uniqueKeyContract,
  migrationContract,
  schemaNameContract,
  schemaDumpContract,
];

export function storageContract(kind: StorageKind): void {
  for (const contract of CONTRACTS) contract(kind);
}
