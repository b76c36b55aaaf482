import { useEffect, useState } from 'react';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { candidateLoginSchema, staffLoginSchema, type LoginRequest } from '@exam/api';
import { isApiClientError, useSession } from '@exam/session';
import { Alert, Button, Form, Input, Tabs, Typography } from '@exam/ui';
import { ACTIVATE_ROUTE, NOT_ACTIVATED, authPageState, readAuthPageState } from './activation';
import { AuthCard } from './auth-card';
import { safeNextPath } from './role-home';

type Kind = LoginRequest['kind'];

interface LoginFormValues {
  account: string;
  password: string;
}

function toRequest(kind: Kind, values: LoginFormValues): LoginRequest {
  return kind === 'candidate'
    ? { kind, registrationNo: values.account.trim(), password: values.password }
    : { kind, username: values.account.trim(), password: values.password };
}

function validate(kind: Kind, request: LoginRequest): string | null {
  const result = kind === 'candidate' ? candidateLoginSchema.safeParse(request) : staffLoginSchema.safeParse(request);
  return result.success ? null : (result.error.issues[0]?.message ?? '请检查输入');
}

export function LoginPage() {
  const { status, user, error: sessionError, login } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [kind, setKind] = useState<Kind>('candidate');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<LoginFormValues>();
  const location = useLocation();
  // 报名号 carried over from /activate (e.g. 账号已激活，请直接登录).
  const [prefill] = useState(() => readAuthPageState(location.state).registrationNo);
  const typedAccount = Form.useWatch('account', form);

  useEffect(() => {
    if (prefill) form.setFieldsValue({ account: prefill });
  }, [form, prefill]);

  if (status === 'authenticated' && user) return <Navigate to={safeNextPath(user.role, params.get('next'))} replace />;

  const onFinish = async (values: LoginFormValues) => {
    const request = toRequest(kind, values);
    const invalid = validate(kind, request);
    if (invalid) {
      setError(invalid);
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const loggedIn = await login(request);
      navigate(safeNextPath(loggedIn.role, params.get('next')), { replace: true });
    } catch (e) {
      if (isApiClientError(e) && e.code === NOT_ACTIVATED && request.kind === 'candidate') {
        navigate(ACTIVATE_ROUTE, { state: authPageState(request.registrationNo, 'not-activated') });
        return;
      }
      setError(isApiClientError(e) ? e.message : '登录失败，请稍后重试');
    } finally {
      setSubmitting(false);
    }
  };

  const accountLabel = kind === 'candidate' ? '报名号' : '用户名';
  const formBody = (
    <Form<LoginFormValues> form={form} layout="vertical" onFinish={onFinish} requiredMark={false} size="large">
      <Form.Item name="account" label={accountLabel} rules={[{ required: true, whitespace: true, message: `请输入${accountLabel}` }]}>
        <Input autoComplete="username" placeholder={`请输入${accountLabel}`} />
      </Form.Item>
      <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
        <Input.Password autoComplete="current-password" placeholder="请输入密码" />
      </Form.Item>
      {/* autoInsertSpace off: antd would render "登 录", and the accessible name must be exactly 登录 */}
      <Button type="primary" htmlType="submit" block loading={submitting} autoInsertSpace={false}>
        登录
      </Button>
      {kind === 'candidate' && (
        <Typography.Paragraph style={{ textAlign: 'center', marginTop: 16, marginBottom: 0 }}>
          <Link to={ACTIVATE_ROUTE} state={authPageState(typedAccount, 'link')}>
            首次登录？激活账号
          </Link>
        </Typography.Paragraph>
      )}
    </Form>
  );

  return (
    <AuthCard>
      {(error ?? sessionError?.message) && (
        <Alert type="error" showIcon title={error ?? sessionError?.message} style={{ marginBottom: 16 }} />
      )}
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
