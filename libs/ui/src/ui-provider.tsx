import { App, ConfigProvider, type ThemeConfig } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';

export const examTheme: ThemeConfig = {
  token: {
    colorPrimary: '#1f5fae',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
  },
};

export interface UiProviderProps {
  children: ReactNode;
}

/**
 * antd configuration for every front end: zh-CN locale, the exam theme, and antd's <App> so that
 * `useFeedback()` (message / modal / notification) follows the theme.
 */
export function UiProvider({ children }: UiProviderProps) {
  // the manual's button words exactly (上传, 示例 …): no space inserted between two CJK characters
  return (
    <ConfigProvider locale={zhCN} theme={examTheme} button={{ autoInsertSpace: false }}>
      <App>{children}</App>
    </ConfigProvider>
  );
}

/** message / modal / notification bound to the UiProvider's theme and locale. */
export function useFeedback() {
  return App.useApp();
}
