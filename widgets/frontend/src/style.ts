/**
 * The views' CSS, injected once per document (no CSS loader needed in either bundle). Figure
 * colours are attributes set by the shared charts (src/svg/charts), never CSS, so the live and the
 * static figure look the same and no rule greys out a legend label.
 */
const CSS = `
.optlab-view { font: 12px/1.35 var(--jp-ui-font-family, system-ui, sans-serif); color: var(--jp-ui-font-color1, #222); position: relative; }
.optlab-view .optlab-title { font-weight: 600; margin: 2px 0 4px; }
.optlab-view .optlab-controls { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 2px 0 6px; }
.optlab-view .optlab-controls label { display: inline-flex; gap: 4px; align-items: center; }
.optlab-view .optlab-controls input[type=number] { width: 70px; }
.optlab-view .optlab-row { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.optlab-view svg.optlab-figure { display: block; overflow: visible; background: #fff; border-radius: 2px; }
.optlab-view svg.optlab-figure text { font: 11px system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
.optlab-view .eig-mark.clickable { cursor: pointer; }
.optlab-view.optlab-offline .eig-mark.clickable { cursor: default; }
.optlab-view .eig-mark:hover .stem-line { stroke-width: 3; }
.optlab-view .status { color: var(--jp-ui-font-color2, #666); font-style: italic; }
.optlab-view .status.error { color: #c0392b; font-style: normal; }
.optlab-view .badge-live { color: #fff; background: #d6452b; border-radius: 3px; padding: 0 5px; font-size: 10px; margin-left: 6px; }
.optlab-view .needs-kernel { opacity: .45; cursor: not-allowed; }
.optlab-view .kernel-note { color: var(--jp-ui-font-color2, #777); font-size: 11px; font-style: italic; }
.optlab-tooltip { position: absolute; pointer-events: none; background: rgba(30,30,30,.9); color: #fff; padding: 3px 6px; border-radius: 3px; font: 11px/1.3 system-ui, sans-serif; white-space: pre; z-index: 10; display: none; }
`;

let injected = false;

export function injectStyle(doc: Document = document): void {
  if (injected || doc.getElementById("optlab-widgets-style")) {
    injected = true;
    return;
  }
  const style = doc.createElement("style");
  style.id = "optlab-widgets-style";
  style.textContent = CSS;
  doc.head.appendChild(style);
  injected = true;
}
