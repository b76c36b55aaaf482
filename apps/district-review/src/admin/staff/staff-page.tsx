import { useCallback, useState } from 'react';
import {
  CREATABLE_STAFF_ROLES,
  SITE_CODE_RULE,
  STAFF_ROLE_LABELS,
  STAFF_STATUS_LABELS,
  USERNAME_RULE,
  type AdminSiteView,
  type CreatableStaffRole,
  type StaffAccountView,
  type StaffListQuery,
  type StaffRole,
  type StaffStatus,
} from '@exam/api';
import { describeError, formatBeijing, useApiResource } from '@exam/review-ui';
import {
  Alert,
  Button,
  Card,
  Flex,
  Form,
  Grid,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  useFeedback,
  type TableColumnsType,
} from '@exam/ui';
import { SaveDialog } from '../save-dialog';
import { createSite, createStaff, fetchSites, fetchStaff, renameSite, staffAction, type StaffAction } from './staff-api';

/** 考点与账号: the district's exam sites and staff accounts. */
export function StaffPage() {
  const sites = useApiResource(fetchSites);
  const [accountsVersion, setAccountsVersion] = useState(0);
  return (
    <Flex vertical gap={16} data-testid="admin-staff">
      <SitesCard sites={sites.data?.sites ?? []} loading={sites.loading} error={sites.error} reload={() => void sites.reload()} />
      <AccountsCard
        sites={sites.data?.sites ?? []}
        version={accountsVersion}
        onChanged={() => {
          setAccountsVersion((v) => v + 1);
          void sites.reload();
        }}
      />
    </Flex>
  );
}

// ---------- sites ----------

function SitesCard(props: { sites: AdminSiteView[]; loading: boolean; error: string | null; reload: () => void }) {
  const [editing, setEditing] = useState<AdminSiteView | 'new' | null>(null);
  const columns: TableColumnsType<AdminSiteView> = [
    { title: '考点代码', dataIndex: 'code', width: 96, render: (c: string) => <span style={{ wordBreak: 'break-all' }}>{c}</span> },
    { title: '考点名称', dataIndex: 'name' },
    { title: '账号数', dataIndex: 'reviewerCount', width: 68, align: 'right' },
    {
      title: '操作',
      key: 'actions',
      width: 72,
      render: (_, s) => (
        <Button size="small" type="link" onClick={() => setEditing(s)} aria-label={`改名 ${s.name}`}>
          改名
        </Button>
      ),
    },
  ];
  return (
    <Card
      size="small"
      title="考点"
      extra={
        <Button type="primary" size="small" onClick={() => setEditing('new')}>
          新增考点
        </Button>
      }
    >
      {props.error && (
        <Alert type="error" showIcon title={props.error} action={<Button size="small" onClick={props.reload}>重试</Button>} style={{ marginBottom: 12 }} />
      )}
      <Table<AdminSiteView>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={props.sites}
        loading={props.loading}
        pagination={props.sites.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        tableLayout="fixed"
        locale={{ emptyText: '尚无考点，请先新增考点' }}
        data-testid="sites-table"
      />
      {editing && (
        <SiteDialog
          site={editing === 'new' ? null : editing}
          onClose={(changed) => {
            setEditing(null);
            if (changed) props.reload();
          }}
        />
      )}
    </Card>
  );
}

function SiteDialog({ site, onClose }: { site: AdminSiteView | null; onClose: (changed: boolean) => void }) {
  const [form] = Form.useForm<{ code: string; name: string }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { message } = useFeedback();
  const save = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setSaving(true);
    setError(null);
    try {
      if (site) await renameSite(site.id, values.name);
      else await createSite(values);
      void message.success(site ? '考点已改名' : '考点已新增');
      onClose(true);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <SaveDialog title={site ? `改名：${site.name}` : '新增考点'} saving={saving} onSave={save} onCancel={() => onClose(false)}>
      <Form form={form} layout="vertical" initialValues={{ code: site?.code ?? '', name: site?.name ?? '' }} onFinish={() => void save()}>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form.Item
          label="考点代码"
          name="code"
          extra={site ? '考点代码不能修改' : '本考区内唯一，报名数据中的“考点”列可填代码或名称'}
          rules={[
            { required: true, whitespace: true, message: '请输入考点代码' },
            { pattern: /^\s*[A-Za-z0-9_-]{1,16}\s*$/, message: SITE_CODE_RULE },
          ]}
        >
          <Input disabled={!!site} maxLength={16} autoComplete="off" />
        </Form.Item>
        <Form.Item
          label="考点名称"
          name="name"
          rules={[
            { required: true, whitespace: true, message: '请输入考点名称' },
            { max: 64, message: '考点名称不能超过 64 个字' },
          ]}
        >
          <Input maxLength={64} autoComplete="off" />
        </Form.Item>
        <button type="submit" hidden />
      </Form>
    </SaveDialog>
  );
}

// ---------- accounts ----------

const STATUS_COLORS: Record<StaffStatus, string> = { ACTIVE: 'green', DISABLED: 'default', MUST_CHANGE_PASSWORD: 'orange' };

type StatusFilter = NonNullable<StaffListQuery['status']>;

/** What a one-time password dialog shows. */
interface OneTimePassword {
  title: string;
  account: StaffAccountView;
  password: string;
}

const ACTION_WORDS: Record<StaffAction, { label: string; confirm: (a: StaffAccountView) => string; done: string }> = {
  'reset-password': {
    label: '重置密码',
    confirm: (a) => `确定重置「${a.displayName}（${a.username}）」的密码吗？将生成一次性密码，该账号的所有登录立即失效，下次登录须修改密码。`,
    done: '密码已重置',
  },
  'reset-totp': {
    label: '重置动态口令',
    confirm: (a) => `确定重置「${a.displayName}（${a.username}）」的动态口令吗？原身份验证器和恢复码作废，该账号的所有登录立即失效，下次登录须重新绑定。`,
    done: '动态口令已重置，下次登录时重新绑定',
  },
  disable: {
    label: '停用',
    confirm: (a) => `确定停用「${a.displayName}（${a.username}）」吗？该账号的所有登录立即失效，停用期间无法登录。`,
    done: '账号已停用',
  },
  enable: { label: '启用', confirm: (a) => `确定启用「${a.displayName}（${a.username}）」吗？`, done: '账号已启用' },
};

function statusTags(a: StaffAccountView) {
  return (
    <Space size={4} wrap>
      <Tag color={STATUS_COLORS[a.status]}>{STAFF_STATUS_LABELS[a.status]}</Tag>
      {!a.totpEnrolled && a.status !== 'DISABLED' && <Tag>待绑定口令</Tag>}
    </Space>
  );
}

function AccountsCard({ sites, version, onChanged }: { sites: AdminSiteView[]; version: number; onChanged: () => void }) {
  const narrow = Grid.useBreakpoint().md === false;
  const [role, setRole] = useState<StaffRole | undefined>();
  const [siteId, setSiteId] = useState<string | undefined>();
  const [status, setStatus] = useState<StatusFilter>('all');
  const load = useCallback(() => fetchStaff({ role, siteId, status }), [role, siteId, status, version]); // eslint-disable-line react-hooks/exhaustive-deps
  const { data, loading, error, reload } = useApiResource(load);
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<OneTimePassword | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const { message } = useFeedback();

  const act = async (a: StaffAccountView, action: StaffAction) => {
    setBusy(`${a.id}:${action}`);
    try {
      if (action === 'reset-password') {
        const r = await staffAction(a.id, action);
        setShown({ title: '密码已重置', account: r.account, password: r.oneTimePassword });
      } else {
        await staffAction(a.id, action);
        void message.success(ACTION_WORDS[action].done);
      }
      onChanged();
    } catch (e) {
      void message.error(describeError(e));
    } finally {
      setBusy(null);
    }
  };

  const actionButton = (a: StaffAccountView, action: StaffAction, danger = false) => (
    <Popconfirm
      key={action}
      title={ACTION_WORDS[action].label}
      description={<div style={{ maxWidth: 280 }}>{ACTION_WORDS[action].confirm(a)}</div>}
      okText={`确定${ACTION_WORDS[action].label}`}
      cancelText="取消"
      okButtonProps={{ danger }}
      onConfirm={() => act(a, action)}
    >
      <Button size="small" type="link" danger={danger} loading={busy === `${a.id}:${action}`} aria-label={`${ACTION_WORDS[action].label} ${a.username}`}>
        {ACTION_WORDS[action].label}
      </Button>
    </Popconfirm>
  );

  const actionsOf = (a: StaffAccountView) =>
    a.self ? (
      <Typography.Text type="secondary">本人账号</Typography.Text>
    ) : (
      <Flex wrap gap={0}>
        {a.status === 'DISABLED' ? (
          actionButton(a, 'enable')
        ) : (
          <>
            {actionButton(a, 'reset-password')}
            {actionButton(a, 'reset-totp')}
            {actionButton(a, 'disable', true)}
          </>
        )}
      </Flex>
    );

  const columns: TableColumnsType<StaffAccountView> = [
    {
      title: '用户名',
      dataIndex: 'username',
      width: 150,
      render: (u: string, a) => (
        <Space size={4} wrap>
          <Typography.Text>{u}</Typography.Text>
          {a.self && <Tag>本人</Tag>}
        </Space>
      ),
    },
    { title: '姓名', dataIndex: 'displayName', width: 100 },
    { title: '角色', dataIndex: 'role', width: 100, render: (r: StaffRole) => STAFF_ROLE_LABELS[r] },
    { title: '考点', dataIndex: 'siteName', width: 140, render: (s: string | null) => s ?? '—' },
    {
      title: '状态',
      dataIndex: 'status',
      width: 130,
      render: (_, a) => statusTags(a),
    },
    { title: '创建时间', dataIndex: 'createdAt', width: 150, render: (t: string) => formatBeijing(t) },
    {
      title: '操作',
      key: 'actions',
      width: 230,
      render: (_, a) => actionsOf(a),
    },
  ];

  return (
    <Card
      size="small"
      title="账号"
      extra={
        <Button type="primary" size="small" onClick={() => setCreating(true)}>
          新增审核员
        </Button>
      }
    >
      <Flex wrap gap={8} style={{ marginBottom: 12 }}>
        <Select<StaffRole | undefined>
          aria-label="按角色筛选"
          placeholder="全部角色"
          allowClear
          value={role}
          onChange={setRole}
          style={{ width: 140 }}
          options={(['SITE_REVIEWER', 'DISTRICT_REVIEWER', 'ADMIN'] as const).map((r) => ({ value: r, label: STAFF_ROLE_LABELS[r] }))}
        />
        <Select<string | undefined>
          aria-label="按考点筛选"
          placeholder="全部考点"
          allowClear
          value={siteId}
          onChange={setSiteId}
          style={{ width: 180 }}
          options={sites.map((s) => ({ value: s.id, label: `${s.code} ${s.name}` }))}
        />
        <Select<StatusFilter>
          aria-label="按状态筛选"
          value={status}
          onChange={setStatus}
          style={{ width: 120 }}
          options={[
            { value: 'all', label: '全部状态' },
            { value: 'active', label: '未停用' },
            { value: 'disabled', label: '已停用' },
          ]}
        />
      </Flex>
      {error && <Alert type="error" showIcon title={error} action={<Button size="small" onClick={() => void reload()}>重试</Button>} style={{ marginBottom: 12 }} />}
      {narrow ? (
        <Flex vertical gap={8} data-testid="staff-table">
          {!loading && !data?.accounts.length && <Typography.Text type="secondary">没有符合条件的账号</Typography.Text>}
          {(data?.accounts ?? []).map((a) => (
            <Card key={a.id} size="small">
              <Flex vertical gap={4}>
                <Flex justify="space-between" align="center" wrap gap={4}>
                  <Typography.Text strong>
                    {a.displayName}（{a.username}）
                  </Typography.Text>
                  {statusTags(a)}
                </Flex>
                <Typography.Text type="secondary">
                  {STAFF_ROLE_LABELS[a.role]}
                  {a.siteName ? ` · ${a.siteName}` : ''}
                </Typography.Text>
                {actionsOf(a)}
              </Flex>
            </Card>
          ))}
        </Flex>
      ) : (
        <Table<StaffAccountView>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={data?.accounts ?? []}
          loading={loading}
          pagination={(data?.accounts.length ?? 0) > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          scroll={{ x: 1000 }}
          locale={{ emptyText: '没有符合条件的账号' }}
          data-testid="staff-table"
        />
      )}
      {creating && (
        <CreateStaffDialog
          sites={sites}
          onClose={(created) => {
            setCreating(false);
            if (created) {
              setShown({ title: '审核员账号已创建', account: created.account, password: created.oneTimePassword });
              onChanged();
            }
          }}
        />
      )}
      {shown && <OneTimePasswordDialog shown={shown} onClose={() => setShown(null)} />}
    </Card>
  );
}

interface CreateStaffValues {
  role: CreatableStaffRole;
  siteId?: string;
  username: string;
  displayName: string;
}

function CreateStaffDialog({ sites, onClose }: { sites: AdminSiteView[]; onClose: (created: { account: StaffAccountView; oneTimePassword: string } | null) => void }) {
  const [form] = Form.useForm<CreateStaffValues>();
  const role = Form.useWatch('role', form);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setSaving(true);
    setError(null);
    try {
      const input =
        v.role === 'SITE_REVIEWER'
          ? { role: v.role, siteId: v.siteId ?? '', username: v.username.trim(), displayName: v.displayName.trim() }
          : { role: v.role, username: v.username.trim(), displayName: v.displayName.trim() };
      onClose(await createStaff(input));
    } catch (e) {
      setError(describeError(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <SaveDialog title="新增审核员" okText="创建账号" saving={saving} onSave={save} onCancel={() => onClose(null)}>
      <Form form={form} layout="vertical" initialValues={{ role: 'SITE_REVIEWER' }} onFinish={() => void save()}>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form.Item label="角色" name="role" rules={[{ required: true, message: '请选择角色' }]}>
          <Select options={CREATABLE_STAFF_ROLES.map((r) => ({ value: r, label: STAFF_ROLE_LABELS[r] }))} />
        </Form.Item>
        {role === 'SITE_REVIEWER' && (
          <Form.Item label="考点" name="siteId" rules={[{ required: true, message: '请选择考点' }]} extra={sites.length ? '考点审核员只能审核所属考点的考生' : '请先新增考点'}>
            <Select
              placeholder="请选择考点"
              showSearch={{ optionFilterProp: 'label' }}
              options={sites.map((s) => ({ value: s.id, label: `${s.code} ${s.name}` }))}
            />
          </Form.Item>
        )}
        <Form.Item
          label="用户名"
          name="username"
          extra={USERNAME_RULE}
          rules={[
            { required: true, whitespace: true, message: '请输入用户名' },
            { pattern: /^\s*[a-z][a-z0-9._-]{2,31}\s*$/, message: USERNAME_RULE },
          ]}
        >
          <Input maxLength={32} autoComplete="off" />
        </Form.Item>
        <Form.Item
          label="姓名"
          name="displayName"
          rules={[
            { required: true, whitespace: true, message: '请输入姓名' },
            { max: 32, message: '姓名不能超过 32 个字' },
          ]}
        >
          <Input maxLength={32} autoComplete="off" />
        </Form.Item>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          创建后系统生成一次性初始密码；首次登录须绑定身份验证器并修改密码。
        </Typography.Paragraph>
        <button type="submit" hidden />
      </Form>
    </SaveDialog>
  );
}

function OneTimePasswordDialog({ shown, onClose }: { shown: OneTimePassword; onClose: () => void }) {
  const { account, password } = shown;
  return (
    <Modal
      open
      title={shown.title}
      okText="我已记下"
      onOk={onClose}
      onCancel={onClose}
      cancelButtonProps={{ style: { display: 'none' } }}
      maskClosable={false}
      destroyOnHidden
    >
      <Flex vertical gap={12} data-testid="one-time-password-dialog">
        <Alert type="warning" showIcon title="一次性密码只显示这一次，关闭后无法再次查看。请通过安全渠道交给本人；首次登录须修改密码。" />
        <Typography.Text>
          账号：{account.displayName}（{account.username}），{STAFF_ROLE_LABELS[account.role]}
          {account.siteName ? `，${account.siteName}` : ''}
        </Typography.Text>
        <Flex align="center" gap={8} wrap>
          <Typography.Text>一次性密码：</Typography.Text>
          <Typography.Text code copyable={{ text: password, tooltips: ['复制', '已复制'] }} style={{ fontSize: 18 }} data-testid="one-time-password">
            {password}
          </Typography.Text>
        </Flex>
      </Flex>
    </Modal>
  );
}
