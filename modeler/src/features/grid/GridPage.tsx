import { useEffect, useState } from 'preact/hooks';
import { useLocale, useT } from '../../lib/i18n';
import { useSession } from '../../lib/session';
import type { AreaSummary, CustomerPlace, GridTree } from '../../../../server/grid/grid.contract';
import { gridApi } from './api';
import { AreaPanel } from './AreaPanel';
import { CustomerSearch } from './CustomerSearch';
import { OutageDialog } from './dialogs';
import { LossRanking } from './LossRanking';
import './grid.css';
import { nameFor } from '../../lib/bilingual';

/** What the tree highlights: the path of a found customer, or the area picked. */
export interface Highlight {
  substationId?: string;
  feederId?: string;
  areaId?: string;
  customerId?: string;
}

/**
 * The grid view (电网拓扑): the network of the user's departments on the left (substations → 10 kV
 * feeders → transformer areas, dedicated areas folded), the picked area on the right; a customer
 * search that shows where the customer is connected; and the line loss ranking of a month.
 */
export function GridPage() {
  const t = useT();
  const { can } = useSession();
  const [tab, setTab] = useState<'network' | 'ranking'>('network');
  const [tree, setTree] = useState<GridTree | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [highlight, setHighlight] = useState<Highlight>({});
  const [place, setPlace] = useState<CustomerPlace | null>(null);
  const [outage, setOutage] = useState<{ type: 'area' | 'feeder'; id: string; name: string } | null>(null);
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const writable = can('grid', 'write');

  useEffect(() => {
    gridApi
      .tree()
      .then(setTree)
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [version]);

  function showPlace(found: CustomerPlace) {
    setPlace(found);
    const first = found.meters.find((m) => m.area) ?? found.meters[0];
    setHighlight({
      substationId: first?.substation?.id,
      feederId: first?.feeder?.id,
      areaId: first?.area?.id,
      customerId: found.customerId,
    });
    setTab('network');
  }

  return (
    <section class="page grid-page">
      <h1>{t('grid.title')}</h1>
      <p class="muted">{t('grid.intro')}</p>
      <div class="grid-tabs" role="tablist">
        {(['network', 'ranking'] as const).map((id) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            class={tab === id ? 'active' : undefined}
            onClick={() => setTab(id)}
          >
            {t(`grid.tab.${id}`)}
          </button>
        ))}
      </div>
      {error && <p role="alert">{t('app.error', { message: error })}</p>}
      {notice && (
        <p role="status" class="grid-ok">
          {notice}
        </p>
      )}
      {tab === 'ranking' && (
        <LossRanking
          tree={tree}
          onOpen={(areaId) => {
            setHighlight({ ...pathOf(tree, areaId), areaId });
            setPlace(null);
            setTab('network');
          }}
        />
      )}
      {tab === 'network' && (
        <div class="grid-split">
          <aside class="grid-side">
            <CustomerSearch onPlace={showPlace} />
            {place && <PlaceCard place={place} />}
            <h2>{t('grid.tree')}</h2>
            {!tree && !error && <p aria-busy="true">{t('app.loading')}</p>}
            {tree && (
              <NetworkTree
                tree={tree}
                highlight={highlight}
                writable={writable}
                onPick={(areaId) => {
                  setHighlight({ ...pathOf(tree, areaId), areaId });
                  setPlace(null);
                  setNotice(null);
                }}
                onOutage={setOutage}
              />
            )}
          </aside>
          <div class="grid-main">
            {highlight.areaId ? (
              <AreaPanel
                key={`${highlight.areaId}:${version}`}
                areaId={highlight.areaId}
                customerId={highlight.customerId}
                writable={writable}
                onOutage={setOutage}
                onMoved={(areaId, message) => {
                  setNotice(message);
                  setVersion((v) => v + 1);
                  setHighlight({ ...pathOf(tree, areaId), areaId, customerId: highlight.customerId });
                  if (place) void gridApi.place(place.customerId).then(setPlace);
                }}
              />
            ) : (
              <p class="muted grid-pick">{t('grid.pick')}</p>
            )}
          </div>
        </div>
      )}
      {outage && <OutageDialog target={outage} onClose={() => setOutage(null)} />}
    </section>
  );
}

function pathOf(tree: GridTree | null, areaId: string): Highlight {
  for (const s of tree?.substations ?? [])
    for (const f of s.feeders) if (f.areas.some((a) => a.id === areaId)) return { substationId: s.id, feederId: f.id };
  return {};
}

function PlaceCard({ place }: { place: CustomerPlace }) {
  const t = useT();
  return (
    <div class="grid-place" aria-label={t('grid.place', { name: place.name })}>
      <h2>{t('grid.place', { name: place.name })}</h2>
      {place.meters.length === 0 && <p class="muted">{t('grid.place.none')}</p>}
      {place.meters.map((m) => (
        <ol key={m.meterId} class="grid-path">
          <li>{m.substation?.name ?? '—'}</li>
          <li>{m.feeder?.name ?? '—'}</li>
          <li>{m.area?.name ?? '—'}</li>
          <li>{m.box ? `${m.box.name}${m.box.location ? ` · ${m.box.location}` : ''}` : '—'}</li>
          <li>
            {t('grid.col.meter')} {m.assetNo}
          </li>
        </ol>
      ))}
    </div>
  );
}

function AreaItem({
  area,
  highlight,
  onPick,
}: {
  area: AreaSummary;
  highlight: Highlight;
  onPick: (id: string) => void;
}) {
  const locale = useLocale();
  const tight = Number(area.spareKva) < Number(area.ratedKva) * 0.1;
  return (
    <li>
      <button
        type="button"
        class={`grid-node grid-area${highlight.areaId === area.id ? ' on-path' : ''}`}
        aria-current={highlight.areaId === area.id ? 'true' : undefined}
        data-area-id={area.id}
        onClick={() => onPick(area.id)}
      >
        <span>{nameFor(locale, area.name, area.nameEn)}</span>
        <span class={`grid-spare${tight ? ' tight' : ''}`}>
          {area.spareKva}/{area.ratedKva} kVA
        </span>
      </button>
    </li>
  );
}

function NetworkTree({
  tree,
  highlight,
  writable,
  onPick,
  onOutage,
}: {
  tree: GridTree;
  highlight: Highlight;
  writable: boolean;
  onPick: (areaId: string) => void;
  onOutage: (target: { type: 'feeder'; id: string; name: string }) => void;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <ul class="grid-tree" aria-label={t('grid.tree')}>
      {tree.substations.map((s) => (
        <li key={s.id}>
          <span class={`grid-node grid-substation${highlight.substationId === s.id ? ' on-path' : ''}`}>
            {nameFor(locale, s.name, s.nameEn)}
          </span>
          <ul>
            {s.feeders.map((f) => {
              const dedicated = f.areas.filter((a) => a.kind === 'dedicated');
              return (
                <li key={f.id}>
                  <span class={`grid-node grid-feeder${highlight.feederId === f.id ? ' on-path' : ''}`}>
                    {nameFor(locale, f.name, f.nameEn)}
                    {writable && (
                      <button
                        type="button"
                        class="link grid-feeder-outage"
                        onClick={() => onOutage({ type: 'feeder', id: f.id, name: nameFor(locale, f.name, f.nameEn) })}
                      >
                        {t('grid.outage')}
                      </button>
                    )}
                  </span>
                  <ul>
                    {f.areas
                      .filter((a) => a.kind === 'public')
                      .map((a) => (
                        <AreaItem key={a.id} area={a} highlight={highlight} onPick={onPick} />
                      ))}
                    {dedicated.length > 0 && (
                      <li>
                        <details open={dedicated.some((a) => a.id === highlight.areaId)}>
                          <summary>{t('grid.dedicated', { count: dedicated.length })}</summary>
                          <ul>
                            {dedicated.map((a) => (
                              <AreaItem key={a.id} area={a} highlight={highlight} onPick={onPick} />
                            ))}
                          </ul>
                        </details>
                      </li>
                    )}
                  </ul>
                </li>
              );
            })}
          </ul>
        </li>
      ))}
    </ul>
  );
}
