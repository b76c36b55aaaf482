import { useState, type ChangeEvent, type ReactNode } from 'react';
import { PASSWORD_RULE_MESSAGE, type LoginResponse, type SessionUser, type TotpEnrollResponse } from '@exam/api';
import { isApiClientError, useSession } from '@exam/session';
import { Alert, Button, Flex, Form, Grid, Input, Typography, useFeedback } from '@exam/ui';
import { LOGIN_EXPIRED, LOGIN_EXPIRED_MESSAGE, LOGIN_STEP, checkNewPassword, checkTotp, fieldOfError, messageWithRetry } from './activation';
import { AuthCard } from './auth-card';
import { busy } from './busy';
import { groupSecret, outcomeOf, recoveryCodesText, type StepScreen } from './login-steps';
import { QRCode } from './qr-code';

export interface StaffLoginStepsProps {
  /** the screen the password step led to */
  initial: StepScreen;
  /** the staff username (shown, and named in the copied recovery codes) */
  account: string;
  /** the login is complete (the session has the user) */
  onDone(user: SessionUser): void;
  /** back to the password form, with a message (e.g. 登录已超时，请重新登录) */
  onRestart(message?: string): void;
}

const MONOSPACE = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace";

const SUBTITLES: Record<StepScreen['screen'], string> = {
  totp: '身份验证',
  enroll: '绑定身份验证器',
  'recovery-codes': '保存恢复码',
  'change-password': '设置新密码',
};

type Failure = { field: 'code' | 'recoveryCode' | 'password'; message: string } | null;

/**
 * The staff login steps after the password, kept in memory: 动态验证码 (or a recovery code), binding an
 * authenticator, the recovery codes shown once, and a new password after an admin reset.
 */
export function StaffLoginSteps({ initial, account, onDone, onRestart }: StaffLoginStepsProps) {
  const { completeLogin } = useSession();
  const [screen, setScreen] = useState<StepScreen>(initial);
  const [alert, setAlert] = useState<string | null>(null);

  /** Follows an answer: done, the next screen, or back to the password form if it makes no sense. */
  const follow = (answer: LoginResponse | TotpEnrollResponse) => {
    setAlert(null);
    const outcome = outcomeOf(answer);
    if ('done' in outcome) onDone(outcome.done);
    else if ('next' in outcome) setScreen(outcome.next);
    else onRestart('登录失败，请重新登录');
  };

  /** LOGIN_EXPIRED / LOGIN_STEP restart; a code or password error goes under its field; anything else above the form. */
  const fail = (e: unknown): Failure => {
    if (isApiClientError(e) && (e.code === LOGIN_EXPIRED || e.code === LOGIN_STEP)) {
      onRestart(e.code === LOGIN_EXPIRED ? LOGIN_EXPIRED_MESSAGE : e.message);
      return null;
    }
    if (!isApiClientError(e)) {
      setAlert('网络连接失败，请检查网络后重试');
      return null;
    }
    const field = fieldOfError(e.code, e.details);
    if (field) return { field, message: e.message };
    setAlert(messageWithRetry(e.message, e.details));
    return null;
  };

  let body: ReactNode;
  switch (screen.screen) {
    case 'totp':
      body = <TotpScreen account={account} onAnswer={follow} onFail={fail} />;
      break;
    case 'enroll':
      body = <EnrollScreen secret={screen.secret} otpauthUrl={screen.otpauthUrl} onAnswer={follow} onFail={fail} />;
      break;
    case 'recovery-codes':
      body = (
        <RecoveryCodesScreen
          codes={screen.codes}
          account={account}
          onSaved={() => {
            const user = completeLogin(screen.then);
            if (user) onDone(user);
            else follow(screen.then);
          }}
        />
      );
      break;
    case 'change-password':
      body = <ChangePasswordScreen onDone={onDone} onFail={fail} />;
      break;
  }

  return (
    <AuthCard subtitle={SUBTITLES[screen.screen]}>
      {alert && <Alert type="error" showIcon title={alert} style={{ marginBottom: 16 }} />}
      {body}
      {screen.screen !== 'recovery-codes' && (
        <Flex justify="center" style={{ marginTop: 16 }}>
          <Button type="link" size="small" onClick={() => onRestart()}>
            返回登录
          </Button>
        </Flex>
      )}
    </AuthCard>
  );
}

interface StepProps {
  onAnswer(answer: LoginResponse | TotpEnrollResponse): void;
  onFail(e: unknown): Failure;
}

/** 6 digits for an authenticator code: numeric keyboard on phones, one-time-code autofill. */
function OtpInput(props: { id?: string; value?: string; onChange?: (e: ChangeEvent<HTMLInputElement>) => void }) {
  return (
    <Input
      {...props}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]*"
      maxLength={6}
      placeholder="请输入 6 位数字"
      autoFocus
      style={{ fontVariantNumeric: 'tabular-nums' }}
    />
  );
}

function TotpScreen({ account, onAnswer, onFail }: StepProps & { account: string }) {
  const { verifyTotp } = useSession();
  const [mode, setMode] = useState<'code' | 'recovery'>('code');
  const [submitting, setSubmitting] = useState(false);
  const [form] = Form.useForm<{ code?: string; recoveryCode?: string }>();
  const field = mode === 'code' ? 'code' : 'recoveryCode';

  const onFinish = async () => {
    if (submitting) return;
    const checked = checkTotp(mode, form.getFieldValue(field));
    if (!checked.ok) {
      form.setFields([{ name: field, errors: [checked.error] }]);
      return;
    }
    setSubmitting(true);
    try {
      onAnswer(await verifyTotp(checked.request));
    } catch (e) {
      const failure = onFail(e);
      if (failure) form.setFields([{ name: field, value: '', errors: [failure.message] }]);
    } finally {
      setSubmitting(false);
    }
  };

  const switchMode = () => {
    setMode(mode === 'code' ? 'recovery' : 'code');
    form.resetFields();
  };

  return (
    <div data-login-step="TOTP">
      <Typography.Paragraph>
        {mode === 'code' ? (
          <>
            请打开手机上的身份验证器，输入账号 <Typography.Text strong>{account}</Typography.Text> 的 6 位动态验证码。
          </>
        ) : (
          '无法使用身份验证器时，可输入绑定时保存的一个恢复码；每个恢复码只能使用一次。'
        )}
      </Typography.Paragraph>
      <Form form={form} name="login-totp" layout="vertical" onFinish={onFinish} requiredMark={false} size="large">
        {mode === 'code' ? (
          <Form.Item name="code" label="动态验证码">
            <OtpInput />
          </Form.Item>
        ) : (
          <Form.Item name="recoveryCode" label="恢复码">
            <Input autoComplete="off" autoCapitalize="characters" spellCheck={false} placeholder="如 ABCD-EFGH-JKLM" maxLength={20} autoFocus />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit" block loading={busy(submitting)}>
          验证并登录
        </Button>
      </Form>
      <Flex justify="center" style={{ marginTop: 12 }}>
        <Button type="link" size="small" onClick={switchMode}>
          {mode === 'code' ? '使用恢复码' : '使用动态验证码'}
        </Button>
      </Flex>
    </div>
  );
}

function EnrollScreen({ secret, otpauthUrl, onAnswer, onFail }: StepProps & { secret: string; otpauthUrl: string }) {
  const { enrollTotp } = useSession();
  const [submitting, setSubmitting] = useState(false);
  const [form] = Form.useForm<{ code?: string }>();
  const screens = Grid.useBreakpoint();
  const phone = !screens.sm;
  const { message } = useFeedback();

  const copySecret = async () => {
    if (await copyText(secret)) message.success('密钥已复制');
    else message.warning('复制失败，请手动输入密钥');
  };

  const onFinish = async () => {
    if (submitting) return;
    const checked = checkTotp('code', form.getFieldValue('code'));
    if (!checked.ok || !('code' in checked.request)) {
      form.setFields([{ name: 'code', errors: [checked.ok ? '请输入验证码' : checked.error] }]);
      return;
    }
    setSubmitting(true);
    try {
      onAnswer(await enrollTotp({ code: checked.request.code }));
    } catch (e) {
      const failure = onFail(e);
      if (failure) form.setFields([{ name: 'code', value: '', errors: [failure.message] }]);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div data-login-step="TOTP_ENROLL">
      <Alert
        type="info"
        title="工作人员账号需绑定身份验证器（如 Microsoft Authenticator、Google Authenticator、腾讯身份验证器）"
        description="绑定后每次登录都需输入验证器显示的动态验证码。"
        style={{ marginBottom: 16 }}
      />
      <Typography.Paragraph strong style={{ marginBottom: 8 }}>
        1. 用身份验证器扫描二维码
      </Typography.Paragraph>
      <Flex vertical align="center" gap={8} style={{ marginBottom: 12 }}>
        <QRCode value={otpauthUrl} size={phone ? 152 : 176} errorLevel="M" data-testid="totp-qr" />
        {phone && (
          <Typography.Link href={otpauthUrl} style={{ fontSize: 13 }}>
            在本机的身份验证器中添加
          </Typography.Link>
        )}
      </Flex>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 4, fontSize: 13 }}>
        无法扫码时，在验证器中选择“输入设置密钥”，输入以下密钥（基于时间；密钥中没有数字 0 和 1）：
      </Typography.Paragraph>
      <Flex align="center" gap={8} style={{ marginBottom: 16 }}>
        <div
          data-testid="totp-secret"
          style={{
            flex: 1,
            minWidth: 0,
            padding: '6px 10px',
            background: '#f6f8fb',
            border: '1px solid #e3e8f0',
            borderRadius: 6,
            fontFamily: MONOSPACE,
            fontSize: 15,
            textAlign: 'center',
            wordSpacing: '0.15em',
          }}
        >
          {groupSecret(secret)}
        </div>
        <Button onClick={copySecret} style={{ flex: 'none' }}>
          复制
        </Button>
      </Flex>
      <Typography.Paragraph strong style={{ marginBottom: 8 }}>
        2. 输入验证器显示的 6 位验证码
      </Typography.Paragraph>
      <Form form={form} name="login-totp-enroll" layout="vertical" onFinish={onFinish} requiredMark={false} size="large">
        <Form.Item name="code" label="动态验证码">
          <OtpInput />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy(submitting)}>
          确认绑定
        </Button>
      </Form>
    </div>
  );
}

/** Writes to the clipboard; falls back to a hidden textarea where the Clipboard API is missing (plain http on the LAN). */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

function RecoveryCodesScreen({ codes, account, onSaved }: { codes: string[]; account: string; onSaved(): void }) {
  const { message } = useFeedback();
  const [copied, setCopied] = useState(false);

  const copy = async () => {
    if (await copyText(recoveryCodesText(codes, account))) {
      setCopied(true);
      message.success('恢复码已复制');
    } else {
      message.warning('复制失败，请手动抄写恢复码');
    }
  };

  return (
    <div data-login-step="RECOVERY_CODES">
      <Alert
        type="warning"
        title="身份验证器已绑定，请保存恢复码"
        description={`手机丢失或无法使用身份验证器时，可用恢复码登录，每个恢复码只能使用一次。以下 ${codes.length} 个恢复码只显示这一次，请复制或抄写后妥善保存。`}
        style={{ marginBottom: 16 }}
      />
      <ol
        data-testid="recovery-codes"
        style={{
          display: 'grid',
          // two columns from a 360 px phone up, one below
          gridTemplateColumns: 'repeat(auto-fill, minmax(130px, 1fr))',
          gap: '8px 12px',
          margin: '0 0 16px',
          padding: 12,
          listStyle: 'none',
          background: '#f6f8fb',
          border: '1px solid #e3e8f0',
          borderRadius: 6,
          fontFamily: MONOSPACE,
          fontSize: 14,
          textAlign: 'center',
        }}
      >
        {codes.map((code) => (
          <li key={code} data-testid="recovery-code">
            {code}
          </li>
        ))}
      </ol>
      <Flex gap={8}>
        <Button size="large" onClick={copy} style={{ flex: 1 }}>
          {copied ? '已复制' : '复制恢复码'}
        </Button>
        <Button size="large" type="primary" onClick={onSaved} style={{ flex: 1 }}>
          我已妥善保存
        </Button>
      </Flex>
    </div>
  );
}

function ChangePasswordScreen({ onDone, onFail }: { onDone(user: SessionUser): void; onFail(e: unknown): Failure }) {
  const { setNewPassword } = useSession();
  const [submitting, setSubmitting] = useState(false);
  type Values = { password?: string; confirmPassword?: string };
  const [form] = Form.useForm<Values>();

  const onFinish = async () => {
    if (submitting) return;
    const checked = checkNewPassword(form.getFieldsValue(true));
    if (!checked.ok) {
      form.setFields((Object.keys(checked.errors) as (keyof Values)[]).map((name) => ({ name, errors: [checked.errors[name] ?? ''] })));
      return;
    }
    setSubmitting(true);
    try {
      onDone(await setNewPassword(checked.request));
    } catch (e) {
      const failure = onFail(e);
      if (failure) form.setFields([{ name: 'password', errors: [failure.message] }]);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div data-login-step="CHANGE_PASSWORD">
      <Alert type="warning" showIcon title="首次登录或管理员重置密码后，请先设置新密码（临时密码不能继续使用）" style={{ marginBottom: 16 }} />
      <Form form={form} name="login-new-password" layout="vertical" onFinish={onFinish} requiredMark={false} size="large">
        <Form.Item name="password" label="新密码" extra={PASSWORD_RULE_MESSAGE}>
          <Input.Password autoComplete="new-password" placeholder="请输入新密码" maxLength={128} autoFocus />
        </Form.Item>
        <Form.Item name="confirmPassword" label="确认新密码">
          <Input.Password autoComplete="new-password" placeholder="请再次输入新密码" maxLength={128} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy(submitting)}>
          设置新密码并登录
        </Button>
      </Form>
    </div>
  );
}
