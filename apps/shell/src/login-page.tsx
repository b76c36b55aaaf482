import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { candidateLoginSchema, staffLoginSchema, type LoginRequest } from '@exam/api';
import { isApiClientError, useSession } from '@exam/session';
import { Alert, Button, Card, Form, Input, Tabs, Typography } from '@exam/ui';
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
      <Button type="primary" htmlType="submit" block loading={submitting}>
        登录
      </Button>
    </Form>
  );

  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', padding: 16, background: '#f0f4fa' }}>
      <Card style={{ width: '100%', maxWidth: 420 }}>
        <Typography.Title level={4} style={{ textAlign: 'center', marginTop: 0 }}>
          医师资格考试线上审核系统
        </Typography.Title>
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
      </Card>
    </div>
  );
}
