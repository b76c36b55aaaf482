import { useCallback, useEffect, useState } from 'react';
import { secondsUntil } from './activation';

/** Seconds left until a deadline set by `start(seconds)`, ticking once a second (wall clock, so a background tab catches up). */
export function useCountdown(): [secondsLeft: number, start: (seconds: number) => void] {
  const [until, setUntil] = useState(0);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (until <= now) return;
    const timer = window.setTimeout(() => setNow(Date.now()), Math.min(1000, until - now));
    return () => window.clearTimeout(timer);
  }, [until, now]);

  const start = useCallback((seconds: number) => {
    const at = Date.now();
    setNow(at);
    setUntil(at + seconds * 1000);
  }, []);

  return [secondsUntil(until, now), start];
}
