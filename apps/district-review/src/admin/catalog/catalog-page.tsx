import { useCallback, useEffect, useRef, useState } from 'react';
import {
  CATALOG_CANDIDATE_TYPES,
  CATALOG_CANDIDATE_TYPE_LABELS,
  type AdminCategoryView,
  type AdminYearView,
  type CatalogCandidateType,
  type CatalogImportProblem,
} from '@exam/api';
import { isApiClientError } from '@exam/session';
import { describeError, useApiResource } from '@exam/review-ui';
import { Alert, Button, Card, Empty, Flex, Form, Input, List, Popconfirm, Select, Tag, Typography, useFeedback } from '@exam/ui';
import { SaveDialog } from '../save-dialog';
import {
  createCategory,
  deleteCategory,
  deleteExample,
  fetchCategories,
  fetchYears,
  importCatalog,
  reorderCategories,
  updateCategory,
  uploadExample,
} from '../years/years-api';

/** 材料目录 (Attachment 1): the categories of a year, their 示例 images, order, hiding and loading from a file. */
export function CatalogPage() {
  const years = useApiResource(fetchYears);
  const [yearId, setYearId] = useState<string | null>(null);
  const list = years.data?.years ?? [];
  useEffect(() => {
    if (!yearId && list.length) setYearId((list.find((y) => y.windowState !== 'CLOSED') ?? list[0]!).id);
  }, [list, yearId]);
  const year = list.find((y) => y.id === yearId) ?? null;

  return (
    <Card
      size="small"
      title="材料目录"
      data-testid="admin-catalog"
      extra={
        <Select
          size="small"
          style={{ minWidth: 160, maxWidth: '100%' }}
          value={yearId ?? undefined}
          placeholder="选择考试年度"
          loading={years.loading}
          options={list.map((y) => ({ value: y.id, label: y.name }))}
          onChange={(v: string) => setYearId(v)}
          aria-label="考试年度"
          data-testid="catalog-year"
        />
      }
    >
      {years.error && <Alert type="error" showIcon title={years.error} />}
      {year ? <Categories key={year.id} year={year} /> : !years.loading && <Empty description="尚无考试年度，请先在「考试年度」中新建" />}
    </Card>
  );
}

function Categories({ year }: { year: AdminYearView }) {
  const load = useCallback(() => fetchCategories(year.id), [year.id]);
  const cats = useApiResource(load);
  const { message } = useFeedback();
  const [editing, setEditing] = useState<AdminCategoryView | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<CatalogImportProblem[]>([]);
  const exampleInput = useRef<HTMLInputElement>(null);
  const importInput = useRef<HTMLInputElement>(null);
  const exampleFor = useRef<AdminCategoryView | null>(null);
  const rows = cats.data?.categories ?? [];

  const run = async (what: () => Promise<unknown>, done: string) => {
    setError(null);
    try {
      await what();
      void message.success(done);
      void cats.reload();
    } catch (e) {
      setError(describeError(e));
    }
  };
  const move = (index: number, by: -1 | 1) => {
    const ids = rows.map((c) => c.id);
    const [id] = ids.splice(index, 1);
    ids.splice(index + by, 0, id!);
    void run(() => reorderCategories(year.id, ids), '顺序已保存');
  };
  const onExample = async (file: File | undefined) => {
    const c = exampleFor.current;
    if (exampleInput.current) exampleInput.current.value = '';
    if (!file || !c) return;
    await run(() => uploadExample(c.id, file), `「${c.name}」的示例图已上传`);
  };
  const onImport = async (file: File | undefined) => {
    if (importInput.current) importInput.current.value = '';
    if (!file) return;
    setProblems([]);
    setError(null);
    try {
      const res = await importCatalog(year.id, file);
      void message.success(`已从文件导入 ${res.loaded} 类材料`);
      void cats.reload();
    } catch (e) {
      setError(describeError(e));
      if (isApiClientError(e)) setProblems(((e.details as { problems?: CatalogImportProblem[] } | undefined)?.problems ?? []).slice(0, 50));
    }
  };

  return (
    <Flex vertical gap={12}>
      <Flex gap={8} wrap justify="space-between" align="center">
        <Typography.Text type="secondary" style={{ flex: '1 1 240px' }}>
          已有考生上传图片的类别不能删除，只能隐藏（不再接收新的上传，已上传的图片保留）。
        </Typography.Text>
        <Flex gap={8} wrap>
          <Button onClick={() => importInput.current?.click()} data-testid="catalog-import">
            从文件导入
          </Button>
          <Button type="primary" onClick={() => setEditing('new')} data-testid="category-new">
            新增类别
          </Button>
        </Flex>
      </Flex>
      {cats.error && <Alert type="error" showIcon title={cats.error} />}
      {error && (
        <Alert
          type="error"
          showIcon
          closable
          onClose={() => setError(null)}
          title={error}
          data-testid="catalog-error"
          description={
            problems.length > 0 && (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {problems.map((p, i) => (
                  <li key={i}>{p.row ? `第 ${p.row} 行${p.code ? `（${p.code}）` : ''}：${p.message}` : p.message}</li>
                ))}
              </ul>
            )
          }
        />
      )}
      <List<AdminCategoryView>
        loading={cats.loading}
        dataSource={rows}
        bordered
        size="small"
        locale={{ emptyText: '该年度尚无材料类别' }}
        data-testid="category-list"
        renderItem={(c, index) => (
          <List.Item data-testid={`catalog-${c.code}`} style={{ display: 'block' }}>
            <Flex gap={12} align="start" wrap>
              <div style={{ width: 72, flex: '0 0 72px' }}>
                {c.exampleImageUrl ? (
                  <img src={c.exampleImageUrl} alt={`${c.name}示例`} style={{ width: 72, height: 54, objectFit: 'cover', borderRadius: 4, border: '1px solid #f0f0f0' }} data-testid={`catalog-example-${c.code}`} />
                ) : (
                  <Flex align="center" justify="center" style={{ width: 72, height: 54, background: '#fafafa', border: '1px dashed #d9d9d9', borderRadius: 4, fontSize: 12, color: '#999' }}>
                    无示例图
                  </Flex>
                )}
              </div>
              <Flex vertical gap={4} style={{ flex: '1 1 160px', minWidth: 0 }}>
                <Flex gap={6} wrap align="center">
                  <Typography.Text strong>{c.name}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {c.code}
                  </Typography.Text>
                  {c.hidden && <Tag color="warning">已隐藏</Tag>}
                  <Tag>{c.required ? '必传' : '选填'}</Tag>
                  <Tag>{c.minCount === c.maxCount ? `${c.maxCount} 张` : `${c.minCount}–${c.maxCount} 张`}</Tag>
                </Flex>
                <Typography.Paragraph type="secondary" ellipsis={{ rows: 2, expandable: true, symbol: '展开' }} style={{ margin: 0, fontSize: 13 }}>
                  {c.description || '（未填写要求）'}
                </Typography.Paragraph>
                <Typography.Text style={{ fontSize: 12 }}>
                  适用：{c.types.length ? c.types.map((t) => CATALOG_CANDIDATE_TYPE_LABELS[t]).join('、') : '全部考生类型'}
                  {c.otherRules ? `；${c.otherRules}` : ''} · 已上传 {c.imageCount} 张
                </Typography.Text>
              </Flex>
              <Flex gap={4} wrap style={{ flex: '0 1 auto' }}>
                <Button size="small" onClick={() => setEditing(c)} data-testid={`category-edit-${c.code}`}>
                  编辑
                </Button>
                <Button
                  size="small"
                  onClick={() => {
                    exampleFor.current = c;
                    exampleInput.current?.click();
                  }}
                  data-testid={`category-example-${c.code}`}
                >
                  {c.exampleImageUrl ? '更换示例图' : '上传示例图'}
                </Button>
                {c.exampleImageUrl && (
                  <Popconfirm title={`删除「${c.name}」的示例图？`} okText="删除" cancelText="取消" onConfirm={() => run(() => deleteExample(c.id), '示例图已删除')}>
                    <Button size="small" aria-label={`删除示例图 ${c.name}`}>
                      删除示例图
                    </Button>
                  </Popconfirm>
                )}
                <Button size="small" onClick={() => void run(() => updateCategory(c.id, { hidden: !c.hidden }), c.hidden ? '已恢复接收上传' : '已隐藏')}>
                  {c.hidden ? '恢复' : '隐藏'}
                </Button>
                {c.imageCount === 0 && (
                  <Popconfirm title={`删除「${c.name}」？`} okText="删除" cancelText="取消" onConfirm={() => run(() => deleteCategory(c.id), '已删除')}>
                    <Button size="small" danger>
                      删除
                    </Button>
                  </Popconfirm>
                )}
                <Button size="small" disabled={index === 0} onClick={() => move(index, -1)} aria-label={`上移 ${c.name}`}>
                  上移
                </Button>
                <Button size="small" disabled={index === rows.length - 1} onClick={() => move(index, 1)} aria-label={`下移 ${c.name}`}>
                  下移
                </Button>
              </Flex>
            </Flex>
          </List.Item>
        )}
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        导入文件：JSON（材料类别数组，字段 code、name、description、minCount、maxCount、types、required）或 Excel（.xlsx，第 1 行为 材料代码、材料名称、材料要求、最少张数、最多张数、适用考生类型、是否必传）。任何一行有误则不导入；文件中没有的类别将被删除，已有图片的则改为隐藏。
      </Typography.Text>
      <input ref={exampleInput} type="file" accept="image/jpeg,image/png" style={{ display: 'none' }} data-testid="example-input" onChange={(e) => void onExample(e.target.files?.[0])} />
      <input ref={importInput} type="file" accept=".json,.xlsx,application/json" style={{ display: 'none' }} data-testid="import-input" onChange={(e) => void onImport(e.target.files?.[0])} />
      {editing && (
        <CategoryDialog
          yearId={year.id}
          category={editing === 'new' ? null : editing}
          onClose={(changed) => {
            setEditing(null);
            if (changed) void cats.reload();
          }}
        />
      )}
    </Flex>
  );
}

interface CategoryForm {
  code: string;
  name: string;
  description: string;
  minCount: string;
  maxCount: string;
  types: CatalogCandidateType[];
  required: 'yes' | 'no';
}

function CategoryDialog({ yearId, category, onClose }: { yearId: string; category: AdminCategoryView | null; onClose: (changed: boolean) => void }) {
  const [form] = Form.useForm<CategoryForm>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { message } = useFeedback();
  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setSaving(true);
    setError(null);
    const body = {
      name: v.name,
      description: v.description ?? '',
      minCount: Number(v.minCount),
      maxCount: Number(v.maxCount),
      types: v.types ?? [],
      required: v.required === 'yes',
    };
    try {
      if (category) await updateCategory(category.id, body);
      else await createCategory(yearId, { ...body, code: v.code.trim() });
      void message.success(category ? '材料类别已保存' : '材料类别已新增');
      onClose(true);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setSaving(false);
    }
  };
  const count = [
    { required: true, message: '请输入张数' },
    { pattern: /^\d{1,2}$/, message: '请输入 0–50 的整数' },
  ];
  return (
    <SaveDialog title={category ? `编辑：${category.name}` : '新增材料类别'} saving={saving} onSave={save} onCancel={() => onClose(false)} width={560} okId="category-save">
      <Form<CategoryForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{
          code: category?.code ?? '',
          name: category?.name ?? '',
          description: category?.description ?? '',
          minCount: String(category?.minCount ?? 1),
          maxCount: String(category?.maxCount ?? 1),
          types: category?.types ?? [],
          required: category ? (category.required ? 'yes' : 'no') : 'yes',
        }}
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="category-error" />}
        {!category && (
          <Form.Item
            name="code"
            label="材料代码"
            extra="大写字母、数字或下划线，如 HEALTH_FORM；创建后不可修改"
            rules={[
              { required: true, message: '请输入材料代码' },
              { pattern: /^[A-Z][A-Z0-9_]{1,31}$/, message: '材料代码为 2–32 位大写字母、数字或下划线，以字母开头' },
            ]}
          >
            <Input maxLength={32} data-testid="category-code" />
          </Form.Item>
        )}
        <Form.Item name="name" label="材料名称" rules={[{ required: true, message: '请输入材料名称' }]}>
          <Input maxLength={128} data-testid="category-name" />
        </Form.Item>
        <Form.Item name="description" label="材料要求（考生在「示例」中看到）">
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="category-description" />
        </Form.Item>
        <Flex gap={12} wrap>
          <Form.Item name="minCount" label="最少张数" rules={count} style={{ flex: '1 1 120px' }}>
            <Input type="number" min={0} max={50} inputMode="numeric" data-testid="category-min" />
          </Form.Item>
          <Form.Item name="maxCount" label="最多张数" rules={count} style={{ flex: '1 1 120px' }}>
            <Input type="number" min={1} max={50} inputMode="numeric" data-testid="category-max" />
          </Form.Item>
          <Form.Item name="required" label="是否必传" style={{ flex: '1 1 120px' }}>
            <Select options={[{ value: 'yes', label: '必传' }, { value: 'no', label: '选填' }]} />
          </Form.Item>
        </Flex>
        <Form.Item name="types" label="适用考生类型" extra="不选表示适用于全部考生类型">
          <Select mode="multiple" allowClear options={CATALOG_CANDIDATE_TYPES.map((t) => ({ value: t, label: CATALOG_CANDIDATE_TYPE_LABELS[t] }))} placeholder="全部考生类型" />
        </Form.Item>
      </Form>
    </SaveDialog>
  );
}
