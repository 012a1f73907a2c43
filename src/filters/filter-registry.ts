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

/**
 * Job filters, global or per job type, kept in registration order: filters
 * run in the order they were added (no process-global list: one registry
 * per application).
 */
export class JobFilterRegistry {
  private readonly registrations: Registration[] = [];
  /** filtersFor answers by type name; every job asks several times, so answers are kept until the next add. */
  private readonly byTypeName = new Map<string, readonly JobFilter[]>();

  /** Adds a filter; adding the same filter for the same scope again is a no-op. */
  add(filter: JobFilter, options: FilterOptions = {}): void {
    // JavaScript callers pass null for "no options".
    const typeName = typeNameOf((options ?? {}).for);
    if (this.registrations.some((r) => r.filter === filter && r.typeName === typeName)) return;
    this.registrations.push({ filter, typeName });
    this.byTypeName.clear();
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
