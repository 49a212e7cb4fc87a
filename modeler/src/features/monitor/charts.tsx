import { useEffect, useRef } from 'preact/hooks';

type ECharts = { setOption(option: unknown, notMerge?: boolean): void; resize(): void; dispose(): void };

let loading: Promise<(el: HTMLElement) => ECharts> | null = null;

/** echarts/core with only the bar and line charts and the components used, loaded on first use. */
function loadEcharts() {
  loading ??= (async () => {
    const [core, charts, components, renderers] = await Promise.all([
      import('echarts/core'),
      import('echarts/charts'),
      import('echarts/components'),
      import('echarts/renderers'),
    ]);
    core.use([
      charts.BarChart,
      charts.LineChart,
      components.GridComponent,
      components.TooltipComponent,
      components.LegendComponent,
      components.AriaComponent,
      renderers.CanvasRenderer,
    ]);
    return (el: HTMLElement) => core.init(el);
  })();
  return loading;
}

/** One ECharts chart; `option` is applied whenever it changes. `label` names it for screen readers. */
export function Chart({ option, label, testId }: { option: unknown; label: string; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  useEffect(() => {
    let disposed = false;
    const onResize = () => chart.current?.resize();
    void loadEcharts().then((init) => {
      if (disposed || !el.current) return;
      chart.current = init(el.current);
      chart.current.setOption(option, true);
      window.addEventListener('resize', onResize);
    });
    return () => {
      disposed = true;
      window.removeEventListener('resize', onResize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return <div ref={el} class="monitor-chart" role="img" aria-label={label} data-testid={testId} />;
}
