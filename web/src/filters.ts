// Filter pills and how they join the typed query into the one query string the search API
// takes. Pure functions.

export interface Filter {
  field: string;
  value: string;
  negate: boolean;
  disabled: boolean;
}

function quote(value: string): string {
  return '"' + value.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

function escapeField(field: string): string {
  return field.replace(/([+\-!(){}[\]^"~*?:\\/ ])/g, '\\$1');
}

export function filterClause(f: Filter): string {
  return (f.negate ? 'NOT ' : '') + escapeField(f.field) + ':' + quote(f.value);
}

export interface ComposedQuery {
  text: string;
  // Where the typed query starts in `text`: a server error's column minus this is the
  // column in what the user typed.
  userOffset: number;
  userLength: number;
}

export function composeQuery(userQuery: string, filters: Filter[]): ComposedQuery {
  const typed = userQuery.trim();
  const clauses = filters.filter((f) => !f.disabled).map(filterClause);
  if (clauses.length === 0) return { text: typed, userOffset: 0, userLength: typed.length };
  if (!typed) return { text: clauses.join(' AND '), userOffset: 0, userLength: 0 };
  return { text: `(${typed}) AND ${clauses.join(' AND ')}`, userOffset: 1, userLength: typed.length };
}

// "column 7: expected ..." → 7 (1-based), or undefined.
export function errorColumn(reason: string): number | undefined {
  const m = /column (\d+)/.exec(reason);
  return m ? Number(m[1]) : undefined;
}
