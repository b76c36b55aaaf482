/**
 * The antd components the front ends use, re-exported so that shell and remotes share ONE antd instance
 * (this lib is a Module Federation singleton): its ConfigProvider context (zh-CN locale, theme) then reaches
 * the remotes' components too. Micro-frontends import antd components from '@exam/ui', not from 'antd'.
 */
export {
  Alert,
  Avatar,
  Badge,
  Button,
  Card,
  Col,
  Descriptions,
  Divider,
  Dropdown,
  Empty,
  Flex,
  Form,
  Grid,
  Image,
  Input,
  Layout,
  List,
  Modal,
  Popconfirm,
  Progress,
  Result,
  Row,
  Segmented,
  Select,
  Skeleton,
  Space,
  Spin,
  Statistic,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
export type { TableColumnsType, TableProps, FormProps, SelectProps, TabsProps, DescriptionsProps } from 'antd';
