import { useEffect, useState } from 'react';
import { Switch } from 'antd';
import type { NotificationPreferencesResponse } from '@exam/api';
import { apiFetch, isApiClientError } from '@exam/session';
import { Alert, Flex, List, Spin, Tag, Typography, useFeedback } from '@exam/ui';
import { PREFERENCES_PATH, PREFERENCE_CHANNELS, lockedReason, toggled, withSwitch } from './preferences-model';

/**
 * 通知设置: every notice with a switch per channel. Review results, returns and deadlines are 必须接收 (on, disabled);
 * the in-app inbox always receives everything; other notices can be switched off for email and SMS. A change is saved
 * at once (the server refuses a mandatory one); on failure the switch goes back. Antd's Switch comes from antd
 * directly, like the Drawer: the shell owns the antd instance.
 */
export function NotificationPreferences() {
  const { message } = useFeedback();
  const [prefs, setPrefs] = useState<NotificationPreferencesResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    apiFetch<NotificationPreferencesResponse>(PREFERENCES_PATH).then(
      (p) => live && setPrefs(p),
      (e: unknown) => live && setError(isApiClientError(e) ? e.message : '通知设置加载失败，请稍后重试'),
    );
    return () => {
      live = false;
    };
  }, []);

  const change = async (code: string, channel: 'EMAIL' | 'SMS', on: boolean) => {
    if (!prefs) return;
    const before = prefs;
    setPrefs(withSwitch(prefs, code, channel, on));
    setSaving(`${code}/${channel}`);
    setError(null);
    try {
      setPrefs(await apiFetch<NotificationPreferencesResponse>(PREFERENCES_PATH, { method: 'PUT', json: toggled(before.events, code, channel, on) }));
      void message.success('已保存');
    } catch (e) {
      setPrefs(before);
      setError(isApiClientError(e) ? e.message : '保存失败，请稍后重试');
    } finally {
      setSaving(null);
    }
  };

  if (!prefs) {
    return error ? (
      <Alert type="error" showIcon title={error} />
    ) : (
      <Flex justify="center" style={{ padding: 16 }}>
        <Spin />
      </Flex>
    );
  }
  return (
    <div data-testid="notification-preferences">
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        审核结果、退回补充和截止提醒为必须接收的通知，不能关闭；其他通知可按邮件、短信分别关闭。站内信始终接收。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <List
        dataSource={prefs.events}
        renderItem={(e) => (
          <List.Item key={e.code} style={{ paddingInline: 0, display: 'block' }} data-testid={`pref-${e.code}`}>
            <Flex align="center" gap={8} wrap style={{ marginBottom: 8 }}>
              <Typography.Text strong>{e.label}</Typography.Text>
              {e.mandatory && <Tag color="blue">必须接收</Tag>}
            </Flex>
            <Flex gap={16} wrap>
              {PREFERENCE_CHANNELS.map(({ key, label }) => {
                const locked = lockedReason(e, key);
                const reachable = prefs.reachable[key];
                const id = `pref-${e.code}-${key}`;
                return (
                  <Flex key={key} align="center" gap={6} style={{ minHeight: 44 }}>
                    <Switch
                      id={id}
                      size="small"
                      checked={e.channels[key]}
                      disabled={locked !== null || saving !== null}
                      loading={saving === `${e.code}/${key}`}
                      aria-label={`${e.label}：${label}${locked ? `（${locked}）` : ''}`}
                      onChange={(on) => key !== 'INAPP' && void change(e.code, key, on)}
                    />
                    <label htmlFor={id} style={{ fontSize: 13 }}>
                      {label}
                      {!reachable && <Typography.Text type="secondary" style={{ fontSize: 12 }}>（未登记）</Typography.Text>}
                    </label>
                  </Flex>
                );
              })}
            </Flex>
          </List.Item>
        )}
      />
    </div>
  );
}
