// Draws every chart on the page from its Vega-Lite spec (core/_chart.html), on load and after
// htmx swaps a fragment in; the table beside it stays, so the figures read without the drawing.
function drawCharts() {
  const embed = document.querySelector('script[src*="vega-embed"]');
  if (!embed || !window.vegaEmbed) return;
  const base = embed.src.replace(/vega-embed\/.*$/, "");
  document.querySelectorAll("[data-chart-spec]").forEach((element) => {
    if (element.dataset.drawn) return;
    element.dataset.drawn = "yes";
    const spec = JSON.parse(document.getElementById(element.dataset.chartSpec).textContent);
    window.vegaEmbed(element, spec, { actions: false, renderer: "svg", loader: { baseURL: base } });
  });
}
document.addEventListener("DOMContentLoaded", drawCharts);
document.addEventListener("htmx:afterSettle", drawCharts);
