import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useT } from '../../lib/i18n';
import type { List } from '../../../../server/lib/contract';

/** One column of a supervision table: its header and how a row fills its cell. */
export interface Column<T> {
  id: string;
  /** The header; empty for a column of row headers without a title. */
  label: string;
  /** Figures: right-aligned, header too. */
  numeric?: boolean;
  /** The cell's class besides `sv-num` (e.g. `sv-mono`, `sv-rules`). */
  className?: string;
  /** The cell is the row's header (`<th scope="row">`). */
  rowHeader?: boolean;
  cell: (row: T, index: number) => ComponentChildren;
}

/** What a row carries besides its cells: test hooks (`data-*`) and a class. */
export type RowAttributes = Record<string, string | undefined>;

/**
 * The supervision screens' table (`grid sv-table`): the header from the columns, a row per item.
 * `wrap` puts it in the scrolling `table-wrap` the wide tables use.
 */
export function DataTable<T>({
  label,
  columns,
  rows,
  rowKey,
  rowAttributes,
  className,
  wrap = true,
}: {
  label: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T, index: number) => string | number;
  rowAttributes?: (row: T) => RowAttributes;
  className?: string;
  wrap?: boolean;
}) {
  const numeric = (c: Column<T>, extra?: string) =>
    [c.numeric ? 'sv-num' : undefined, extra].filter(Boolean).join(' ') || undefined;
  const table = (
    <table class={`grid sv-table${className ? ` ${className}` : ''}`} aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) =>
            c.label ? (
              <th key={c.id} scope="col" class={numeric(c)}>
                {c.label}
              </th>
            ) : (
              <th key={c.id} scope="col" />
            ),
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={rowKey(row, i)} {...(rowAttributes?.(row) ?? {})}>
            {columns.map((c) =>
              c.rowHeader ? (
                <th key={c.id} scope="row">
                  {c.cell(row, i)}
                </th>
              ) : (
                <td key={c.id} class={numeric(c, c.className)}>
                  {c.cell(row, i)}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return wrap ? <div class="table-wrap">{table}</div> : table;
}

/** A filter's choice: the value sent and the text shown. */
export interface Choice {
  value: string;
  label: string;
}

/** A labelled select of a filter bar; `all` adds the empty "all" choice first. */
export function SelectFilter({
  label,
  name,
  value,
  choices,
  all = true,
  onChange,
}: {
  label: string;
  name: string;
  value: string;
  choices: Choice[];
  all?: boolean;
  onChange: (value: string) => void;
}) {
  const t = useT();
  return (
    <label>
      {label}
      <select name={name} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {all && <option value="">{t('supervision.all')}</option>}
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The filter bar of a list: its fields, then "search", which applies them. */
export function FilterBar({
  label,
  onSearch,
  children,
}: {
  label: string;
  onSearch: () => void;
  children: ComponentChildren;
}) {
  const t = useT();
  return (
    <form
      class="sv-filters"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        onSearch();
      }}
    >
      {children}
      <button type="submit" class="primary">
        {t('supervision.search')}
      </button>
    </form>
  );
}

/**
 * A filtered, paged list's state: the criteria being edited, those applied, and the page offset
 * (back to the first page when new criteria are applied).
 */
export function useCriteria<C extends object>(initial: C) {
  const [draft, setDraft] = useState<C>(initial);
  const [criteria, setCriteria] = useState<C>(initial);
  const [offset, setOffset] = useState(0);
  const edit = (patch: Partial<C>) => setDraft({ ...draft, ...patch });
  const apply = () => {
    setOffset(0);
    setCriteria({ ...draft });
  };
  return { draft, edit, criteria, apply, offset, setOffset };
}

export const PAGE = 20;

function Pager({ list, offset, setOffset }: { list: List<unknown>; offset: number; setOffset: (n: number) => void }) {
  const t = useT();
  if (offset === 0 && !list.hasMore) return null;
  return (
    <div class="pager">
      <span>{t('supervision.range', { from: offset + 1, to: offset + list.items.length, total: list.total })}</span>
      <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
        {t('supervision.previous')}
      </button>
      <button type="button" disabled={!list.hasMore} onClick={() => setOffset(offset + PAGE)}>
        {t('supervision.next')}
      </button>
    </div>
  );
}

/**
 * A paged list's body: the error, "loading", what comes before the rows (`before`), "empty" or the
 * rows, and the pager.
 */
export function PagedList<T>({
  page,
  error,
  offset,
  setOffset,
  before,
  children,
}: {
  page: List<T> | null;
  error: string | null;
  offset: number;
  setOffset: (n: number) => void;
  before?: ComponentChildren;
  children: (items: T[]) => ComponentChildren;
}) {
  const t = useT();
  return (
    <>
      {error && <p role="alert">{error}</p>}
      {!page && !error && <p aria-busy="true">{t('app.loading')}</p>}
      {page && before}
      {page && page.items.length === 0 && <p class="empty">{t('supervision.empty')}</p>}
      {page && page.items.length > 0 && children(page.items)}
      {page && <Pager list={page} offset={offset} setOffset={setOffset} />}
    </>
  );
}
