import type { CSSProperties } from 'react';

/** Smallest size of anything a finger must hit (WCAG 2.5.5, Apple/Google guidelines: 44 px). */
export const TOUCH_MIN = 44;
export const TOUCH_TARGET: CSSProperties = { minHeight: TOUCH_MIN, minWidth: TOUCH_MIN };
