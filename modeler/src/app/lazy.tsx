import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useT } from '../lib/i18n';

type View = ComponentType<{ params: Record<string, string> }>;

/**
 * A route view loaded on first use: `view: lazyView(() => import('./DesignerPage').then((m) => m.DesignerPage))`.
 * Keeps heavy libraries (bpmn-js Modeler, form-js editor, echarts) out of the bundle that the
 * login page and the worklist load.
 */
export function lazyView(load: () => Promise<View>): View {
  let loaded: View | null = null;
  let pending: Promise<View> | null = null;
  function LazyView(props: { params: Record<string, string> }) {
    const t = useT();
    // A function handed to useState is an initializer, so wrap the component: useState(loaded)
    // would call it without props on the second visit ("Cannot destructure property 'params'").
    const [view, setView] = useState<View | null>(() => loaded);
    const [error, setError] = useState<string | null>(null);
    useEffect(() => {
      if (view) return;
      pending ??= load();
      pending.then(
        (v) => {
          loaded = v;
          setView(() => v);
        },
        (err: unknown) => {
          pending = null;
          setError(err instanceof Error ? err.message : String(err));
        },
      );
    }, []);
    if (error) return <p role="alert">{t('app.error', { message: error })}</p>;
    if (!view) return <p class="loading">{t('app.loading')}</p>;
    const Loaded = view;
    return <Loaded {...props} />;
  }
  return LazyView;
}
