import { err, ok, type Result } from 'neverthrow';
import { requestTypeNameOf } from '../mediator/request-type-name.js';
import { Request, type RequestClass } from '../mediator/request.js';
import { serviceNameOf, type ServiceClass } from '../jobs/job-services.js';
import type { JobFilter } from './job-filter.js';

interface Registration {
  readonly filter: JobFilter;
  /** Type name the filter is limited to; undefined = every job. */
  readonly typeName: string | undefined;
}

/** Options of `JobFilterRegistry.add`. */
export interface FilterOptions {
  /** Limit the filter to jobs of one request class (or a service's method calls). */
  readonly for?: RequestClass | ServiceClass | string | undefined;
}

/** Why a filter was not added: it is not a filter object, or its `for` names no job type. */
export interface FilterRegistrationError {
  readonly kind: 'InvalidFilter';
  readonly message: string;
}

/**
 * Job filters, global or per job type, kept in registration order: filters
 * run in the order they were added (no process-global list: one registry
 * per application).
 */
export class JobFilterRegistry {
  private readonly registrations: Registration[] = [];
  /** filtersFor answers by type name; every job asks several times, so answers are kept until the next add. */
  private readonly byTypeName = new Map<string, readonly JobFilter[]>();

  /**
   * Adds a filter; adding the same filter for the same scope again is a no-op.
   * Error: `InvalidFilter` for what is not a filter object (undefined, a class
   * rather than an instance) or a `for` that names no job type; nothing is
   * added. Added, such a value would make every later enqueue throw, or never run.
   */
  add(filter: JobFilter, options: FilterOptions = {}): Result<void, FilterRegistrationError> {
    const invalid = invalidFilter(filter);
    if (invalid !== undefined) return err({ kind: 'InvalidFilter', message: invalid });
    // JavaScript callers pass null for "no options", and for "no scope".
    const scope: unknown = (options ?? {}).for ?? undefined;
    if (scope !== undefined && !(typeof scope === 'string' ? scope !== '' : typeof scope === 'function')) {
      return err({ kind: 'InvalidFilter', message: `for must be a request class, a job service class or a type name, not ${typeof scope === 'string' ? 'an empty string' : describeValue(scope)}; the filter was not added.` });
    }
    const typeName = typeNameOf(scope as FilterOptions['for']);
    if (this.registrations.some((r) => r.filter === filter && r.typeName === typeName)) return ok(undefined);
    this.registrations.push({ filter, typeName });
    this.byTypeName.clear();
    return ok(undefined);
  }

  /** The filters that apply to jobs of `typeName`, in registration order. */
  filtersFor(typeName: string): readonly JobFilter[] {
    let filters = this.byTypeName.get(typeName);
    if (filters === undefined) {
      filters = Object.freeze(this.registrations.filter((r) => r.typeName === undefined || r.typeName === typeName).map((r) => r.filter));
      // Type names come from stored rows too; a database full of unknown ones must not grow this without bound.
      if (this.byTypeName.size >= 1_000) this.byTypeName.clear();
      this.byTypeName.set(typeName, filters);
    }
    return filters;
  }

  /** Whether any filter for `typeName` has `hook`: callers skip building a context nobody would read (per-job paths). */
  anyHas(typeName: string, hook: keyof JobFilter): boolean {
    for (const filter of this.filtersFor(typeName)) if (filter[hook] !== undefined) return true;
    return false;
  }
}

/** The stored type name a scope stands for: a request class, a job service class, or the name itself. */
export function typeNameOf(scope: RequestClass | ServiceClass | string | undefined): string | undefined {
  if (scope === undefined || typeof scope === 'string') return scope;
  return scope.prototype instanceof Request ? requestTypeNameOf(scope as RequestClass) : serviceNameOf(scope);
}

/** Why `filter` cannot be a job filter, or undefined when it can (an object, whatever hooks it has). */
function invalidFilter(filter: unknown): string | undefined {
  if (typeof filter === 'function') {
    return `a job filter is an object with hooks (onCreating, onPerforming, onStateElection...), not ${filter.name === '' ? 'a function' : `the class ${filter.name}`}: pass an instance (new ${filter.name === '' ? 'MyFilter' : filter.name}()). The filter was not added.`;
  }
  if (typeof filter !== 'object' || filter === null) return `a job filter is an object with hooks (onCreating, onPerforming, onStateElection...), not ${describeValue(filter)}. The filter was not added.`;
  return undefined;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
