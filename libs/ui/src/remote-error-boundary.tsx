import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button, Result } from 'antd';

export interface RemoteFallbackProps {
  /** Called by the 重试 button. */
  onRetry?: () => void;
  /** Optional extra line (not shown to the user by default). */
  description?: ReactNode;
}

/** The friendly fallback shown where a micro-frontend (or a part of the page) could not be loaded. */
export function RemoteFallback({ onRetry, description }: RemoteFallbackProps) {
  return (
    <Result
      status="warning"
      title="暂时无法加载"
      subTitle={description ?? '该页面暂时无法加载，请检查网络后重试。'}
      extra={
        onRetry ? (
          <Button type="primary" onClick={onRetry}>
            重试
          </Button>
        ) : undefined
      }
    />
  );
}

export interface RemoteErrorBoundaryProps {
  children: ReactNode;
  /** Name used in the console report (e.g. the federation name). */
  name?: string;
  /** Called after the boundary resets on 重试 (e.g. to load the remote again). */
  onRetry?: () => void;
  /** When this value changes the boundary resets (e.g. the location). */
  resetKey?: unknown;
  /** Custom fallback; defaults to <RemoteFallback>. */
  fallback?: (error: Error, retry: () => void) => ReactNode;
}

interface State {
  error: Error | null;
  resetKey: unknown;
}

/** Keeps a failing micro-frontend (load or render error) from taking the whole page down. */
export class RemoteErrorBoundary extends Component<RemoteErrorBoundaryProps, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: RemoteErrorBoundaryProps, state: State): Partial<State> | null {
    if (props.resetKey !== state.resetKey) return { error: null, resetKey: props.resetKey };
    return null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`[remote ${this.props.name ?? 'unknown'}] failed to load or render`, error, info.componentStack);
  }

  retry = () => {
    this.setState({ error: null });
    this.props.onRetry?.();
  };

  override render() {
    const { error } = this.state;
    if (error) return this.props.fallback ? this.props.fallback(error, this.retry) : <RemoteFallback onRetry={this.retry} />;
    return this.props.children;
  }
}
