import { useEffect, useState } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { isApiClientError, useSession } from '@exam/session';
import { Alert, Button, Form, Input, Typography } from '@exam/ui';
import {
  ALREADY_ACTIVATED,
  LOGIN_ROUTE,
  authPageState,
  checkActivation,
  readAuthPageState,
  type ActivateField,
  type ActivateFormValues,
} from './activation';
import { AuthCard } from './auth-card';
import { ROLE_HOME } from './role-home';

interface ServerError {
  code: string;
  message: string;
}

/** 首次进入：账号激活 (报名号 + 身份证件号码 + 新密码). On success the server logs the candidate in. */
export function ActivatePage() {
  const { status, user, activate } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [initial] = useState(() => readAuthPageState(location.state));
  const [form] = Form.useForm<ActivateFormValues>();
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<ServerError | null>(null);
  const typedNo = Form.useWatch('registrationNo', form);

  useEffect(() => {
    if (initial.registrationNo) form.setFieldsValue({ registrationNo: initial.registrationNo });
  }, [form, initial.registrationNo]);

  if (status === 'authenticated' && user) return <Navigate to={ROLE_HOME[user.role]} replace />;

  /** Live check of one field with the server's schema; untouched fields wait for 激活并登录. */
  const fieldRule = (field: ActivateField) => ({
    validator: async () => {
      if (!form.isFieldTouched(field)) return;
      const result = checkActivation(form.getFieldsValue(true));
      const message = result.ok ? undefined : result.errors[field];
      if (message) throw new Error(message);
    },
  });

  /** On 激活并登录: checks every field (touched or not) and shows each field's message. */
  const checkAll = () => {
    const result = checkActivation(form.getFieldsValue(true));
    if (!result.ok) {
      form.setFields((Object.keys(result.errors) as ActivateField[]).map((name) => ({ name, errors: [result.errors[name] ?? ''] })));
    }
    return result;
  };

  const onFinish = async () => {
    const result = checkAll();
    if (!result.ok) return;
    setSubmitting(true);
    setError(null);
    try {
      const activated = await activate(result.request);
      navigate(ROLE_HOME[activated.role], { replace: true });
    } catch (e) {
      setError(isApiClientError(e) ? { code: e.code, message: e.message } : { code: 'UNKNOWN', message: '激活失败，请稍后重试' });
    } finally {
      setSubmitting(false);
    }
  };

  const toLogin = () => navigate(LOGIN_ROUTE, { state: authPageState(typedNo) });

  return (
    <AuthCard subtitle="首次进入：账号激活">
      {initial.reason === 'not-activated' && (
        <Alert type="warning" showIcon title="首次登录请先激活账号" style={{ marginBottom: 12 }} />
      )}
      <Alert
        type="info"
        title="首次进入上传系统需激活账号；激活后请使用报名号和新密码登录。"
        description="请填写报名时的报名号和身份证件号码，并设置登录密码（至少 8 位，需同时包含字母和数字）。"
        style={{ marginBottom: 16 }}
      />
      {error && (
        <Alert
          type="error"
          showIcon
          title={error.message}
          style={{ marginBottom: 16 }}
          action={
            error.code === ALREADY_ACTIVATED ? (
              <Button size="small" type="primary" onClick={toLogin}>
                去登录
              </Button>
            ) : undefined
          }
        />
      )}
      <Form<ActivateFormValues> form={form} name="activate" layout="vertical" onFinish={onFinish} onFinishFailed={checkAll} requiredMark={false} size="large">
        <Form.Item name="registrationNo" label="报名号" rules={[fieldRule('registrationNo')]}>
          <Input autoComplete="username" placeholder="请输入报名号" maxLength={32} />
        </Form.Item>
        <Form.Item name="idNumber" label="身份证件号码" rules={[fieldRule('idNumber')]}>
          <Input autoComplete="off" placeholder="请输入报名时填写的身份证件号码" maxLength={32} />
        </Form.Item>
        <Form.Item name="password" label="设置密码" rules={[fieldRule('password')]}>
          <Input.Password autoComplete="new-password" placeholder="至少 8 位，需同时包含字母和数字" maxLength={128} />
        </Form.Item>
        <Form.Item name="confirmPassword" label="确认密码" dependencies={['password']} rules={[fieldRule('confirmPassword')]}>
          <Input.Password autoComplete="new-password" placeholder="请再次输入密码" maxLength={128} />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={submitting} autoInsertSpace={false}>
          激活并登录
        </Button>
      </Form>
      <Typography.Paragraph style={{ textAlign: 'center', marginTop: 16, marginBottom: 0 }}>
        已激活？<Link to={LOGIN_ROUTE} state={authPageState(typedNo)}>返回登录</Link>
      </Typography.Paragraph>
    </AuthCard>
  );
}
