/** The dossier screen's few layout rules (tiles, panes, timeline); rendered once by ReviewDossierView. */
export const REVIEW_CSS = `
.rv-root { min-width: 0; }
.rv-category { border: 1px solid #f0f0f0; border-radius: 6px; padding: 8px; }
.rv-category-selected { border-color: #1f5fae; box-shadow: 0 0 0 2px rgba(31,95,174,.2); }
.rv-tiles { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.rv-tile { position: relative; width: 92px; height: 92px; padding: 0; border: 2px solid #d9d9d9; border-radius: 6px; background: #fafafa; cursor: pointer; overflow: hidden; }
.rv-tile img { width: 100%; height: 100%; object-fit: cover; display: block; }
.rv-tile:focus-visible { outline: 2px solid #1f5fae; outline-offset: 2px; }
.rv-tile-selected { border-color: #1f5fae; box-shadow: 0 0 0 3px rgba(31,95,174,.35); }
.rv-tile-warned { border-style: dashed; border-color: #fa8c16; }
.rv-tile-selected.rv-tile-warned { border-style: solid; border-color: #1f5fae; }
.rv-tile-empty { display: flex; height: 100%; align-items: center; justify-content: center; font-size: 12px; color: #8c8c8c; }
.rv-tile-index { position: absolute; left: 2px; top: 2px; min-width: 18px; padding: 0 4px; border-radius: 9px; background: rgba(0,0,0,.6); color: #fff; font-size: 11px; line-height: 18px; }
.rv-badge { position: absolute; right: 2px; top: 2px; padding: 0 5px; border-radius: 9px; font-size: 11px; line-height: 18px; color: #fff; }
.rv-badge-ok { background: #52c41a; }
.rv-badge-bad { background: #ff4d4f; }
.rv-tile-tags { position: absolute; left: 0; right: 0; bottom: 0; display: flex; flex-wrap: wrap; gap: 2px; padding: 2px; }
.rv-chip { font-size: 10px; line-height: 14px; padding: 0 3px; border-radius: 3px; color: #fff; }
.rv-chip-warn { background: #fa8c16; }
.rv-chip-blue { background: #1677ff; }
.rv-panes { display: flex; flex-wrap: wrap; gap: 8px; }
.rv-pane { flex: 1 1 320px; min-width: 0; margin: 0; border: 1px solid #f0f0f0; border-radius: 6px; background: #f5f5f5; }
.rv-panes-compare .rv-pane { flex-basis: 280px; }
.rv-pane-caption { padding: 4px 8px; font-size: 12px; color: #595959; background: #fff; border-bottom: 1px solid #f0f0f0; }
.rv-pane-scroll { overflow: auto; max-height: 66vh; min-height: 240px; padding: 8px; }
.rv-pane-empty { display: flex; align-items: center; justify-content: center; min-height: 200px; color: #8c8c8c; background: #fafafa; border-radius: 6px; }
.rv-kbd { display: inline-block; min-width: 16px; padding: 0 4px; margin-inline-start: 4px; border: 1px solid #d9d9d9; border-bottom-width: 2px; border-radius: 4px; background: #fafafa; color: #595959; font: 11px/15px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; text-align: center; }
.ant-btn-primary .rv-kbd, .ant-btn-dangerous.ant-btn-primary .rv-kbd { background: rgba(255,255,255,.2); color: inherit; border-color: rgba(255,255,255,.5); }
.rv-reasons { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px; }
.rv-timeline { list-style: none; margin: 0; padding: 0 0 0 16px; border-left: 2px solid #f0f0f0; }
.rv-timeline-item { position: relative; padding: 0 0 12px 8px; }
.rv-timeline-dot { position: absolute; left: -22px; top: 6px; width: 10px; height: 10px; border-radius: 50%; background: #1f5fae; border: 2px solid #fff; }
.rv-timeline-reason { color: #595959; margin-top: 2px; word-break: break-word; }
.rv-decisions { position: sticky; bottom: 0; z-index: 5; background: #fff; border-top: 1px solid #f0f0f0; padding: 8px 0; }
@media (max-width: 575px) {
  .rv-tile { width: 72px; height: 72px; }
  .rv-reasons { grid-template-columns: 1fr; }
  .rv-pane-scroll { max-height: 55vh; min-height: 180px; }
}
`;
