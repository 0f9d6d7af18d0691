/**
 * The edit-to-serve chart of the side-by-side bench: every sample of every tool as a tick, the
 * median as a dot, one panel per scenario (each with its own scale), drawn with Vega-Lite and
 * rendered headless to SVG.
 */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

export type ChartPoint = { readonly panel: string; readonly tool: string; readonly ms: number };

export const editToServeSvg = async (points: readonly ChartPoint[], panelOrder: readonly string[], toolOrder: readonly string[], title: string): Promise<string> => {
  const spec: vegaLite.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start', fontSize: 13, offset: 12 },
    background: 'white',
    data: { values: points as ChartPoint[] },
    facet: { row: { field: 'panel', type: 'nominal', sort: [...panelOrder], title: null, header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontSize: 12, labelFontWeight: 'bold' } } },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 560,
      height: { step: 22 },
      encoding: {
        y: { field: 'tool', type: 'nominal', sort: [...toolOrder], title: null, axis: { labelLimit: 400 } },
      },
      layer: [
        {
          mark: { type: 'tick', opacity: 0.55, thickness: 1.5, color: '#4c78a8' },
          encoding: { x: { field: 'ms', type: 'quantitative', title: 'change → first response with the new content (ms)', scale: { zero: true } } },
        },
        {
          mark: { type: 'point', filled: true, size: 60, color: '#e45756' },
          encoding: { x: { aggregate: 'median', field: 'ms', type: 'quantitative' } },
        },
        {
          mark: { type: 'text', align: 'left', dx: 8, dy: -8, fontSize: 10, color: '#333' },
          encoding: { x: { aggregate: 'median', field: 'ms', type: 'quantitative' }, text: { aggregate: 'median', field: 'ms', type: 'quantitative', format: ',.0f' } },
        },
      ],
    },
  };
  const compiled = vegaLite.compile(spec).spec;
  return new vega.View(vega.parse(compiled), { renderer: 'none' }).toSVG();
};
