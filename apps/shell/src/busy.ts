/**
 * antd Button `loading` that shows its spinner only after 150 ms: quick answers do not flicker, and the
 * spinner is never mounted and removed within one frame (its leave motion then never ends and its
 * "loading" label stays in the button's accessible name).
 */
export const busy = (pending: boolean) => (pending ? { delay: 150 } : false);
