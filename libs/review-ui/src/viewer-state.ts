/** Zoom and rotation of the large viewer (CSS only; the server's image is never changed). */
export interface ViewerState {
  zoom: number;
  rotation: 0 | 90 | 180 | 270;
}

export const ZOOM_STEPS = [0.5, 0.75, 1, 1.5, 2, 3, 4] as const;
export const INITIAL_VIEWER: ViewerState = { zoom: 1, rotation: 0 };

export type ViewerOp = 'zoomIn' | 'zoomOut' | 'reset' | 'rotate';

export function viewerReducer(state: ViewerState, op: ViewerOp): ViewerState {
  const i = ZOOM_STEPS.findIndex((z) => z >= state.zoom);
  const at = i < 0 ? ZOOM_STEPS.length - 1 : i;
  switch (op) {
    case 'zoomIn':
      return { ...state, zoom: ZOOM_STEPS[Math.min(ZOOM_STEPS.length - 1, at + 1)] ?? state.zoom };
    case 'zoomOut':
      return { ...state, zoom: ZOOM_STEPS[Math.max(0, at - 1)] ?? state.zoom };
    case 'reset':
      return INITIAL_VIEWER;
    case 'rotate':
      return { ...state, rotation: ((state.rotation + 90) % 360) as ViewerState['rotation'] };
  }
}
