export { renderHtmlReport, renderMarkdownReport, type ReportOptions } from './runReport';
export { lineChartSvg, type ChartSpec, type ChartSeries } from './svgChart';
export { promptSentenceDiff, type DiffLine } from './promptDiff';
export { escapeHtml, escapeMarkdownInline, markdownCodeBlock } from './escape';
