import { useEffect, useState, type ReactNode } from 'react';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { candidateLoginSchema, staffLoginSchema, type LoginRequest, type SessionUser } from '@exam/api';
import { isApiClientError, useSession } from '@exam/session';
import { Alert, Button, Flex, Form, Input, Tabs } from '@exam/ui';
import { ACTIVATE_ROUTE, AUTH_FAILED, RESET_PASSWORD_ROUTE, authPageState, messageWithRetry, readAuthPageState } from './activation';
import { AuthCard } from './auth-card';
import { busy } from './busy';
import { StaffLoginSteps } from './login-steps-view';
import { outcomeOf, type StepScreen } from './login-steps';
import { safeNextPath } from './role-home';

type Kind = LoginRequest['kind'];

interface LoginFormValues {
  account: string;
  password: string;
}

function toRequest(kind: Kind, values: LoginFormValues): LoginRequest {
  return kind === 'candidate'
    ? { kind, registrationNo: (values.account ?? '').trim(), password: values.password ?? '' }
    : { kind, username: (values.account ?? '').trim(), password: values.password ?? '' };
}

function validate(kind: Kind, request: LoginRequest): string | null {
  const result = kind === 'candidate' ? candidateLoginSchema.safeParse(request) : staffLoginSchema.safeParse(request);
  return result.success ? null : (result.error.issues[0]?.message ?? '请检查输入');
}

interface LoginError {
  message: string;
  hint?: ReactNode;
}

export function LoginPage() {
  const { status, user, error: sessionError, startLogin } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [kind, setKind] = useState<Kind>('candidate');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<LoginError | null>(null);
  /** a staff login past its password: the step screens, in memory only */
  const [steps, setSteps] = useState<{ screen: StepScreen; account: string } | null>(null);
  /** the username to put back when a step sends the user back to the password form */
  const [restartAccount, setRestartAccount] = useState<string | null>(null);
  const [form] = Form.useForm<LoginFormValues>();
  const location = useLocation();
  // 报名号 carried over from /activate or /reset-password (e.g. 账号已激活，请直接登录).
  const [prefill] = useState(() => readAuthPageState(location.state).registrationNo);
  const typedAccount = Form.useWatch('account', form);

  useEffect(() => {
    if (prefill) form.setFieldsValue({ account: prefill });
  }, [form, prefill]);

  useEffect(() => {
    if (!steps && restartAccount !== null) {
      form.setFieldsValue({ account: restartAccount, password: '' });
      setRestartAccount(null);
    }
  }, [form, steps, restartAccount]);

  if (status === 'authenticated' && user) return <Navigate to={safeNextPath(user.role, params.get('next'))} replace />;

  const finish = (loggedIn: SessionUser) => navigate(safeNextPath(loggedIn.role, params.get('next')), { replace: true });

  if (steps) {
    return (
      <StaffLoginSteps
        initial={steps.screen}
        account={steps.account}
        onDone={finish}
        onRestart={(message) => {
          setError(message ? { message } : null);
          setRestartAccount(steps.account);
          setSteps(null);
          setKind('staff');
        }}
      />
    );
  }

  const onFinish = async (values: LoginFormValues) => {
    if (submitting) return;
    const request = toRequest(kind, values);
    const invalid = validate(kind, request);
    if (invalid) {
      setError({ message: invalid });
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const outcome = outcomeOf(await startLogin(request));
      if ('done' in outcome) finish(outcome.done);
      else if ('next' in outcome) setSteps({ screen: outcome.next, account: request.kind === 'staff' ? request.username : request.registrationNo });
      else setError({ message: '登录失败，请稍后重试' });
    } catch (e) {
      if (!isApiClientError(e)) {
        setError({ message: '登录失败，请稍后重试' });
      } else if (e.code === AUTH_FAILED && request.kind === 'candidate') {
        setError({
          message: e.message,
          hint: (
            <Link to={ACTIVATE_ROUTE} state={authPageState(request.registrationNo)}>
              首次登录请先激活账号
            </Link>
          ),
        });
      } else {
        setError({ message: messageWithRetry(e.message, e.details) });
      }
    } finally {
      setSubmitting(false);
    }
  };

  const accountLabel = kind === 'candidate' ? '报名号' : '用户名';
  const carried = authPageState(typedAccount);
  const formBody = (
    <Form<LoginFormValues> form={form} layout="vertical" onFinish={onFinish} requiredMark={false} size="large">
      <Form.Item name="account" label={accountLabel} rules={[{ required: true, whitespace: true, message: `请输入${accountLabel}` }]}>
        <Input autoComplete="username" placeholder={`请输入${accountLabel}`} />
      </Form.Item>
      <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
        <Input.Password autoComplete="current-password" placeholder="请输入密码" />
      </Form.Item>
      {/* autoInsertSpace off: antd would render "登 录", and the accessible name must be exactly 登录 */}
      <Button type="primary" htmlType="submit" block loading={busy(submitting)} autoInsertSpace={false}>
        登录
      </Button>
      {kind === 'candidate' && (
        <Flex justify="space-between" gap={12} wrap style={{ marginTop: 16 }}>
          <Link to={ACTIVATE_ROUTE} state={carried}>
            首次登录？激活账号
          </Link>
          <Link to={RESET_PASSWORD_ROUTE} state={carried}>
            忘记密码？
          </Link>
        </Flex>
      )}
    </Form>
  );

  const shown = error ?? (sessionError ? { message: sessionError.message } : null);
  return (
    <AuthCard>
      {shown && <Alert type="error" showIcon title={shown.message} description={shown.hint} style={{ marginBottom: 16 }} />}
      <Tabs
        activeKey={kind}
        centered
        onChange={(key) => {
          setKind(key === 'staff' ? 'staff' : 'candidate');
          setError(null);
          form.resetFields();
        }}
        items={[
          { key: 'candidate', label: '考生登录', children: kind === 'candidate' ? formBody : null },
          { key: 'staff', label: '工作人员登录', children: kind === 'staff' ? formBody : null },
        ]}
      />
    </AuthCard>
  );
}
