import { Link, NavLink, Route, Routes } from 'react-router';
import { useSession } from '@exam/session';
import { Card, Col, Empty, Flex, Result, Row, Typography } from '@exam/ui';
import { ADMIN_SECTIONS } from './sections';

/**
 * 考区管理: the district admin's pages (mounted at /district/admin/*). Only the ADMIN role gets in here;
 * the services check the role again on every route, this only spares a reviewer a screen of errors.
 */
export function AdminArea() {
  const { user } = useSession();
  if (user?.role !== 'ADMIN') {
    return <Result status="403" title="无权访问" subTitle="考区管理仅限考区管理员使用。" extra={<Link to="..">返回考区审核</Link>} />;
  }
  return (
    <Card size="small" title="考区管理" data-testid="admin-area" extra={<Link to="..">考区审核</Link>}>
      <Flex component="nav" aria-label="考区管理" wrap gap={16} style={{ marginBottom: 16 }}>
        <NavLink to="." end>
          概览
        </NavLink>
        {ADMIN_SECTIONS.map((s) => (
          <NavLink key={s.path} to={s.path}>
            {s.label}
          </NavLink>
        ))}
      </Flex>
      <Routes>
        <Route index element={<AdminOverview />} />
        {ADMIN_SECTIONS.map((s) => (
          <Route key={s.path} path={`${s.path}/*`} element={s.element} />
        ))}
        <Route path="*" element={<Result status="404" title="页面不存在" extra={<Link to=".">返回考区管理</Link>} />} />
      </Routes>
    </Card>
  );
}

function AdminOverview() {
  if (!ADMIN_SECTIONS.length) return <Empty description="暂无管理功能" />;
  return (
    <Row gutter={[16, 16]}>
      {ADMIN_SECTIONS.map((s) => (
        <Col key={s.path} xs={24} sm={12} lg={8}>
          <Card size="small" title={<Link to={s.path}>{s.label}</Link>}>
            <Typography.Text type="secondary">{s.summary}</Typography.Text>
          </Card>
        </Col>
      ))}
    </Row>
  );
}
