import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { PASSWORD_RULE_MESSAGE, type ActivateRequest, type SmsCodeSent } from '@exam/api';
import { ACTIVATE_CODE_PATH, PASSWORD_RESET_CODE_PATH, apiFetch, isApiClientError, useSession } from '@exam/session';
import { Alert, Button, Flex, Form, Input, Typography } from '@exam/ui';
import {
  ACTIVATE_ROUTE,
  ALREADY_ACTIVATED,
  LOGIN_ROUTE,
  NOT_ACTIVATED,
  RESET_PASSWORD_ROUTE,
  authPageState,
  checkActivation,
  checkCodeRequest,
  checkPasswordReset,
  codeButtonLabel,
  codeSentNotice,
  fieldOfError,
  messageWithRetry,
  readAuthPageState,
  retryAfterSeconds,
  type AccountField,
  type AccountFormValues,
  type FormCheck,
} from './activation';
import { AuthCard } from './auth-card';
import { busy } from './busy';
import { ROLE_HOME } from './role-home';
import { useCountdown } from './use-countdown';

interface ServerError {
  code: string;
  message: string;
}

export type AccountCodeMode = 'activate' | 'reset';

interface ModeText {
  formName: string;
  subtitle: string;
  intro: ReactNode;
  codePath: string;
  passwordLabel: string;
  confirmLabel: string;
  submitLabel: string;
  failure: string;
  check(values: AccountFormValues): FormCheck<AccountField, ActivateRequest>;
}

const MODES: Record<AccountCodeMode, ModeText> = {
  activate: {
    formName: 'activate',
    subtitle: '首次进入：账号激活',
    intro: '首次进入上传系统需激活账号：填写报名号和身份证件号码，获取发送到报名手机号的验证码，并设置登录密码。',
    codePath: ACTIVATE_CODE_PATH,
    passwordLabel: '设置密码',
    confirmLabel: '确认密码',
    submitLabel: '激活',
    failure: '激活失败，请稍后重试',
    check: checkActivation,
  },
  reset: {
    formName: 'reset-password',
    subtitle: '找回密码',
    intro: '验证码将发送到报名时填写的手机号。重置后其他设备上的登录将失效。',
    codePath: PASSWORD_RESET_CODE_PATH,
    passwordLabel: '新密码',
    confirmLabel: '确认新密码',
    submitLabel: '重置密码',
    failure: '重置密码失败，请稍后重试',
    check: checkPasswordReset,
  },
};

/** 账号激活 reached from the registration system's 【上传相关材料】 (/launch): the 报名号 is filled in already. */
const LAUNCH_ACTIVATE_INTRO =
  '您从报名系统进入，首次使用需先激活账号：报名号已填好，请填写身份证件号码，获取发送到报名手机号的验证码并设置登录密码，激活后直接进入材料上传页面。';

const toServerError = (e: unknown, fallback: string): ServerError & { details?: unknown } =>
  isApiClientError(e) ? { code: e.code, message: e.message, details: e.details } : { code: 'UNKNOWN', message: fallback };

/**
 * The SMS-code account form of 账号激活 (/activate) and 找回密码 (/reset-password):
 * 报名号, 身份证件号码, 验证码 with 【获取验证码】, a new password and its confirmation.
 * On success the server logs the candidate in and the page goes to their home.
 */
export function AccountCodeForm({ mode }: { mode: AccountCodeMode }) {
  const text = MODES[mode];
  const session = useSession();
  const { status, user } = session;
  const navigate = useNavigate();
  const location = useLocation();
  const [initial] = useState(() => readAuthPageState(location.state));
  const [form] = Form.useForm<AccountFormValues>();
  const [submitting, setSubmitting] = useState(false);
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<SmsCodeSent | null>(null);
  const [secondsLeft, startCountdown] = useCountdown();
  const [error, setError] = useState<ServerError | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const typedNo = Form.useWatch('registrationNo', form);

  useEffect(() => {
    if (initial.registrationNo) form.setFieldsValue({ registrationNo: initial.registrationNo });
  }, [form, initial.registrationNo]);

  useEffect(() => {
    if (error) errorRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [error]);

  if (status === 'authenticated' && user) return <Navigate to={ROLE_HOME[user.role]} replace />;

  /** Live check of one field with the server's schema; untouched fields wait for the submit button. */
  const fieldRule = (field: AccountField) => ({
    validator: async () => {
      if (!form.isFieldTouched(field)) return;
      const result = text.check(form.getFieldsValue(true));
      const message = result.ok ? undefined : result.errors[field];
      if (message) throw new Error(message);
    },
  });

  const showErrors = (errors: Partial<Record<AccountField, string>>) => {
    form.setFields((Object.keys(errors) as AccountField[]).map((name) => ({ name, errors: [errors[name] ?? ''] })));
  };

  /** On submit: checks every field (touched or not) and shows each field's message. */
  const checkAll = () => {
    const result = text.check(form.getFieldsValue(true));
    if (!result.ok) showErrors(result.errors);
    return result;
  };

  const focusCode = () => (form.getFieldInstance('code') as { focus?: () => void } | undefined)?.focus?.();

  const sendCode = async () => {
    if (sending) return;
    const request = checkCodeRequest(form.getFieldsValue(true));
    if (!request.ok) {
      showErrors(request.errors);
      return;
    }
    setSending(true);
    setError(null);
    try {
      const answer = await apiFetch<SmsCodeSent>(text.codePath, { method: 'POST', json: request.request });
      setSent(answer);
      startCountdown(answer.resendInSeconds);
      form.setFields([{ name: 'code', errors: [] }]);
      focusCode();
    } catch (e) {
      const err = toServerError(e, '验证码发送失败，请稍后重试');
      const wait = retryAfterSeconds(err.details);
      if (wait) startCountdown(wait);
      setError({ code: err.code, message: messageWithRetry(err.message, err.details) });
    } finally {
      setSending(false);
    }
  };

  const onFinish = async () => {
    if (submitting) return;
    const result = checkAll();
    if (!result.ok) return;
    setSubmitting(true);
    setError(null);
    try {
      const loggedIn = await (mode === 'activate' ? session.activate(result.request) : session.resetPassword(result.request));
      navigate(ROLE_HOME[loggedIn.role], { replace: true });
    } catch (e) {
      const err = toServerError(e, text.failure);
      const named = fieldOfError(err.code, err.details);
      const field = named === 'code' || named === 'password' ? named : null;
      if (field) {
        form.setFields([{ name: field, errors: [err.message] }]);
        if (field === 'code') focusCode();
      } else {
        setError({ code: err.code, message: messageWithRetry(err.message, err.details) });
      }
    } finally {
      setSubmitting(false);
    }
  };

  const carried = authPageState(typedNo);
  const errorAction =
    error?.code === ALREADY_ACTIVATED ? (
      <Flex vertical gap={4} align="end">
        <Link to={RESET_PASSWORD_ROUTE} state={carried} onClick={() => setError(null)}>
          找回密码
        </Link>
        <Link to={LOGIN_ROUTE} state={carried}>
          去登录
        </Link>
      </Flex>
    ) : error?.code === NOT_ACTIVATED ? (
      <Link to={ACTIVATE_ROUTE} state={carried} onClick={() => setError(null)}>
        激活账号
      </Link>
    ) : undefined;

  const codeId = `${text.formName}_code`;
  return (
    <AuthCard subtitle={text.subtitle}>
      <Alert
        type="info"
        title={mode === 'activate' && initial.fromLaunch ? LAUNCH_ACTIVATE_INTRO : text.intro}
        data-testid={initial.fromLaunch ? 'launch-activate-intro' : undefined}
        style={{ marginBottom: 16 }}
      />
      <Form<AccountFormValues>
        form={form}
        name={text.formName}
        layout="vertical"
        onFinish={onFinish}
        onFinishFailed={checkAll}
        requiredMark={false}
        size="large"
      >
        <Form.Item name="registrationNo" label="报名号" rules={[fieldRule('registrationNo')]}>
          <Input autoComplete="username" placeholder="请输入报名号" maxLength={32} />
        </Form.Item>
        <Form.Item name="idNumber" label="身份证件号码" rules={[fieldRule('idNumber')]}>
          <Input autoComplete="off" placeholder="请输入报名时填写的身份证件号码" maxLength={32} />
        </Form.Item>
        <Form.Item
          label="验证码"
          htmlFor={codeId}
          extra={sent ? <span data-testid="code-sent">{codeSentNotice(sent)}</span> : undefined}
        >
          <Flex gap={8}>
            <Form.Item name="code" noStyle rules={[fieldRule('code')]}>
              <Input
                id={codeId}
                inputMode="numeric"
                autoComplete="one-time-code"
                placeholder="6 位数字"
                maxLength={6}
                style={{ flex: 1, minWidth: 0 }}
              />
            </Form.Item>
            <Button
              onClick={sendCode}
              loading={busy(sending)}
              disabled={secondsLeft > 0}
              autoInsertSpace={false}
              data-testid="send-code"
              style={{ flex: 'none', width: 148 }}
            >
              {codeButtonLabel(secondsLeft, sent !== null)}
            </Button>
          </Flex>
        </Form.Item>
        <Form.Item name="password" label={text.passwordLabel} extra={PASSWORD_RULE_MESSAGE} rules={[fieldRule('password')]}>
          <Input.Password autoComplete="new-password" placeholder={`请输入${text.passwordLabel === '新密码' ? '新密码' : '密码'}`} maxLength={128} />
        </Form.Item>
        <Form.Item name="confirmPassword" label={text.confirmLabel} dependencies={['password']} rules={[fieldRule('confirmPassword')]}>
          <Input.Password autoComplete="new-password" placeholder="请再次输入密码" maxLength={128} />
        </Form.Item>
        {error && (
          <div ref={errorRef}>
            <Alert type="error" showIcon title={error.message} action={errorAction} style={{ marginBottom: 16 }} />
          </div>
        )}
        <Button type="primary" htmlType="submit" block loading={busy(submitting)} autoInsertSpace={false}>
          {text.submitLabel}
        </Button>
      </Form>
      <Flex justify="center" gap={24} wrap style={{ marginTop: 16 }}>
        {mode === 'activate' ? (
          <>
            <Typography.Text>
              已激活？<Link to={LOGIN_ROUTE} state={carried}>返回登录</Link>
            </Typography.Text>
            <Link to={RESET_PASSWORD_ROUTE} state={carried}>
              忘记密码？
            </Link>
          </>
        ) : (
          <>
            <Link to={LOGIN_ROUTE} state={carried}>
              返回登录
            </Link>
            <Link to={ACTIVATE_ROUTE} state={carried}>
              首次登录？激活账号
            </Link>
          </>
        )}
      </Flex>
    </AuthCard>
  );
}
