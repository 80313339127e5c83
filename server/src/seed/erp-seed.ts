import type { EntityClass, RequiredEntityData } from '@mikro-orm/core';
import type { OrderStage, OrderStatus, PurchaseOrderStatus } from '@ot/shared';
import { Decimal, money } from '../common/money.js';
import { Invoice } from '../modules/finance/invoice.entity.js';
import { Payment } from '../modules/finance/payment.entity.js';
import { Reservation, ReservationStatus } from '../modules/inventory/reservation.entity.js';
import { StockLevel } from '../modules/inventory/stock-level.entity.js';
import { Warehouse } from '../modules/inventory/warehouse.entity.js';
import { Contract, SilenceMeans, type ContractClause, type FeeScheduleEntry } from '../modules/order/contract.entity.js';
import { Customer } from '../modules/order/customer.entity.js';
import { Product, ProductStatus } from '../modules/order/product.entity.js';
import { SalesOrderLine } from '../modules/order/sales-order-line.entity.js';
import { SalesOrder } from '../modules/order/sales-order.entity.js';
import { Shipment, ShipmentStatus } from '../modules/order/shipment.entity.js';
import { PurchaseOrderLine } from '../modules/purchasing/purchase-order-line.entity.js';
import { PurchaseOrder } from '../modules/purchasing/purchase-order.entity.js';
import { Supplier } from '../modules/purchasing/supplier.entity.js';
import { dateOf, dayOf, FIRST_ORDER_DAY, LAST_ORDER_DAY, TODAY } from './demo-calendar.js';
import { CARRIERS, COMMITTED_PO, OPEN_STATUSES, PENALTY_RATES, phaseOf, poStatusFor, quantityFor } from './demo-rules.js';
import { Random } from './random.js';

// ---------------------------------------------------------------------------------------------
// Calendar. Days are counted from 2026-01-01 so date arithmetic stays integer and time-zone free.

const CATALOG_CREATED = at(dayOf('2025-12-01'), 9);

/**
 * A moment on a day, China time (UTC+8), where the demo business operates. On TODAY the hour is
 * pulled before 09:00, so nothing is stamped after the seed's "now".
 */
function at(day: number, hour: number, minute = 0): Date {
  if (day >= TODAY) hour = 7 + (hour % 2);
  const hh = String(hour).padStart(2, '0');
  const mm = String(minute).padStart(2, '0');
  return new Date(`${dateOf(day)}T${hh}:${mm}:00+08:00`);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

// ---------------------------------------------------------------------------------------------
// Master data.

type CustomerRow = [name: string, nameEn: string, contact: string, email: string, phone: string, city: string];

/** Index i becomes code C000(i+1); the first seven back the fixture orders. */
const CUSTOMERS: CustomerRow[] = [
  [
    '上海华东精密机械有限公司',
    'Shanghai Huadong Precision Machinery Co., Ltd.',
    '周立新',
    'procurement@huadong.example.com',
    '021-58682301',
    '上海',
  ],
  [
    '深圳市鹏城智能装备有限公司',
    'Shenzhen Pengcheng Intelligent Equipment Co., Ltd.',
    '黄雅琴',
    'purchasing@pengcheng-ie.example.com',
    '0755-26714582',
    '深圳',
  ],
  [
    '苏州工业园区恒力自动化有限公司',
    'Suzhou Hengli Automation Co., Ltd.',
    '张伟',
    'supply@hengli-auto.example.com',
    '0512-62853317',
    '苏州',
  ],
  ['北京中科远航科技有限公司', 'Beijing Zhongke Yuanhang Technology Co., Ltd.', '刘洋', 'caigou@zkyh.example.com', '010-82765190', '北京'],
  [
    '重庆长江重型机械股份有限公司',
    'Chongqing Changjiang Heavy Machinery Co., Ltd.',
    '陈志刚',
    'procurement@cjhm.example.com',
    '023-67881024',
    '重庆',
  ],
  [
    '广州南沙港机设备有限公司',
    'Guangzhou Nansha Port Machinery Co., Ltd.',
    '黄丽娟',
    'purchase@nansha-pm.example.com',
    '020-84953672',
    '广州',
  ],
  ['杭州西子电梯配件有限公司', 'Hangzhou Xizi Elevator Parts Co., Ltd.', '周敏', 'scm@xizi-parts.example.com', '0571-86917735', '杭州'],
  [
    '天津滨海新能源装备有限公司',
    'Tianjin Binhai New Energy Equipment Co., Ltd.',
    '赵磊',
    'procurement@bhne.example.com',
    '022-25869013',
    '天津',
  ],
  [
    '成都天府轨道交通设备有限公司',
    'Chengdu Tianfu Rail Transit Equipment Co., Ltd.',
    '吴静',
    'purchasing@tfrail.example.com',
    '028-85236641',
    '成都',
  ],
  [
    '宁波东海注塑机械有限公司',
    'Ningbo Donghai Injection Molding Machinery Co., Ltd.',
    '孙浩',
    'caigou@dhimm.example.com',
    '0574-87652209',
    '宁波',
  ],
  [
    '武汉光谷激光装备有限公司',
    'Wuhan Optics Valley Laser Equipment Co., Ltd.',
    '马超',
    'supply@ovlaser.example.com',
    '027-87190356',
    '武汉',
  ],
  [
    '青岛海湾港口机械有限公司',
    'Qingdao Haiwan Port Machinery Co., Ltd.',
    '朱红',
    'procurement@haiwan-pm.example.com',
    '0532-86674128',
    '青岛',
  ],
  [
    '东莞市联丰电子设备有限公司',
    'Dongguan Lianfeng Electronic Equipment Co., Ltd.',
    '胡斌',
    'purchase@lianfeng-ee.example.com',
    '0769-22458830',
    '东莞',
  ],
  ['西安秦川数控机床有限公司', "Xi'an Qinchuan CNC Machine Tool Co., Ltd.", '郭亮', 'caigou@qccnc.example.com', '029-88327745', '西安'],
  ['无锡锡山纺织机械有限公司', 'Wuxi Xishan Textile Machinery Co., Ltd.', '何芳', 'procurement@xstm.example.com', '0510-88216093', '无锡'],
  [
    '沈阳北方重工配套有限公司',
    'Shenyang Beifang Heavy Industry Supply Co., Ltd.',
    '高峰',
    'supply@bfhis.example.com',
    '024-25793316',
    '沈阳',
  ],
  [
    '长沙湘江环保设备有限公司',
    'Changsha Xiangjiang Environmental Equipment Co., Ltd.',
    '林涛',
    'purchasing@xjep.example.com',
    '0731-84456720',
    '长沙',
  ],
  [
    '佛山顺德家电装备有限公司',
    'Foshan Shunde Home Appliance Equipment Co., Ltd.',
    '罗琳',
    'procurement@sdhae.example.com',
    '0757-22906518',
    '佛山',
  ],
  [
    '合肥庐州智能制造有限公司',
    'Hefei Luzhou Intelligent Manufacturing Co., Ltd.',
    '梁宇',
    'scm@luzhou-im.example.com',
    '0551-65387142',
    '合肥',
  ],
  [
    '南京江宁汽车零部件有限公司',
    'Nanjing Jiangning Auto Parts Co., Ltd.',
    '宋佳',
    'purchase@jnautoparts.example.com',
    '025-52107736',
    '南京',
  ],
  [
    '济南泉城液压件有限公司',
    'Jinan Quancheng Hydraulic Components Co., Ltd.',
    '郑凯',
    'caigou@qchydraulic.example.com',
    '0531-88694015',
    '济南',
  ],
  [
    '厦门鹭岛包装机械有限公司',
    'Xiamen Ludao Packaging Machinery Co., Ltd.',
    '谢婷',
    'procurement@ludao-pack.example.com',
    '0592-57316682',
    '厦门',
  ],
  [
    '郑州中原矿山机械有限公司',
    'Zhengzhou Zhongyuan Mining Machinery Co., Ltd.',
    '韩冰',
    'supply@zymm.example.com',
    '0371-67758243',
    '郑州',
  ],
  ['大连船舶配套设备有限公司', 'Dalian Marine Equipment Supply Co., Ltd.', '唐军', 'purchasing@dlmes.example.com', '0411-84629957', '大连'],
  [
    '香港环亚机电贸易有限公司',
    'Hong Kong Pan-Asia Electromechanical Trading Ltd.',
    '冯嘉欣',
    'orders@panasia-em.example.com',
    '+852 28153306',
    '香港',
  ],
  ['昆山精工模具有限公司', 'Kunshan Jinggong Mould Co., Ltd.', '曹阳', 'procurement@jg-mould.example.com', '0512-57728814', '昆山'],
];

/** The export trader buys in US dollars; everyone else in yuan. */
const USD_CUSTOMER = 'C0025';
const CNY_PER_USD = new Decimal('7.12');

type SupplierRow = [code: string, name: string, contactName: string, email: string | null, phone: string];

/** S004 has no e-mail on file: its cancellation notices become a phone task for Purchasing. */
const SUPPLIERS: SupplierRow[] = [
  ['S001', '江苏恒润传动科技有限公司', '周建华', 'sales@hengrun-drive.example.com', '0519-86512201'],
  ['S002', '浙江天成轴承有限公司', '吴晓燕', 'orders@tiancheng-bearing.example.com', '0573-84417736'],
  ['S003', '宁波力诺液压有限公司', '郑海波', 'sales@lino-hydraulic.example.com', '0574-87720518'],
  ['S004', '深圳市捷控电气成套有限公司', '黄志强', null, '0755-26631890'],
  ['S005', '上海申菱自动化设备有限公司', '陆敏', 'orders@shenling-auto.example.com', '021-64387125'],
  ['S006', '常州宏达减速机有限公司', '钱国栋', 'sales@hongda-reducer.example.com', '0519-88106632'],
  ['S007', '温州瓯江电器有限公司', '林秀芳', 'orders@oujiang-electric.example.com', '0577-62951478'],
  ['S008', '东莞精测传感技术有限公司', '陈伟', 'sales@jingce-sensor.example.com', '0769-22891054'],
  ['S009', '无锡锡能电机有限公司', '顾明', 'orders@xineng-motor.example.com', '0510-85203367'],
  ['S010', '广州南方气动元件有限公司', '梁嘉欣', 'sales@nanfang-pneumatic.example.com', '020-84572290'],
  ['S011', '北京燕山数控系统有限公司', '赵磊', 'orders@yanshan-cnc.example.com', '010-62983315'],
];

type ProductRow = [sku: string, name: string, nameEn: string, unit: string, listPrice: string, supplier: string];

const PRODUCTS: ProductRow[] = [
  ['P-10001', '交流伺服电机 1.5kW', 'AC servo motor 1.5 kW', 'UNIT', '3280.00', 'S001'],
  ['P-10002', '交流伺服电机 3kW', 'AC servo motor 3 kW', 'UNIT', '5460.00', 'S001'],
  ['P-10003', '伺服驱动器 1.5kW', 'Servo drive 1.5 kW', 'UNIT', '2680.00', 'S001'],
  ['P-10004', '伺服驱动器 3kW', 'Servo drive 3 kW', 'UNIT', '4150.00', 'S001'],
  ['P-10005', '通用变频器 7.5kW', 'General-purpose inverter 7.5 kW', 'UNIT', '3650.00', 'S005'],
  ['P-10006', '通用变频器 22kW', 'General-purpose inverter 22 kW', 'UNIT', '8920.00', 'S005'],
  ['P-10007', 'PLC 控制模块 CPU 单元', 'PLC CPU module', 'PCS', '6850.00', 'S005'],
  ['P-10008', 'PLC 数字量输入模块 16 点', 'PLC digital input module, 16 points', 'PCS', '1280.00', 'S005'],
  ['P-10009', 'PLC 模拟量输出模块 4 通道', 'PLC analog output module, 4 channels', 'PCS', '1960.00', 'S005'],
  ['P-10010', '触摸屏人机界面 10 寸', 'HMI touch panel, 10 inch', 'UNIT', '3380.00', 'S005'],
  ['P-10011', '深沟球轴承 6205-2RS', 'Deep groove ball bearing 6205-2RS', 'PCS', '18.50', 'S002'],
  ['P-10012', '圆锥滚子轴承 30208', 'Tapered roller bearing 30208', 'PCS', '46.80', 'S002'],
  ['P-10013', '调心滚子轴承 22220', 'Spherical roller bearing 22220', 'PCS', '685.00', 'S002'],
  ['P-10014', '直线导轨 HGR25（1 米）', 'Linear guide rail HGR25, 1 m', 'ITEM', '420.00', 'S002'],
  ['P-10015', '滚珠丝杠 SFU2005', 'Ball screw SFU2005', 'ITEM', '560.00', 'S002'],
  ['P-10016', '行星减速机 PLF090', 'Planetary gearbox PLF090', 'UNIT', '2360.00', 'S006'],
  ['P-10017', '蜗轮蜗杆减速机 RV63', 'Worm gear reducer RV63', 'UNIT', '980.00', 'S006'],
  ['P-10018', '斜齿轮减速电机 4kW', 'Helical geared motor 4 kW', 'UNIT', '4780.00', 'S006'],
  ['P-10019', '轴向柱塞液压泵 45cc', 'Axial piston hydraulic pump 45 cc', 'UNIT', '12800.00', 'S003'],
  ['P-10020', '齿轮液压泵 CBN-E310', 'Gear hydraulic pump CBN-E310', 'UNIT', '860.00', 'S003'],
  ['P-10021', '电磁换向阀 4WE10', 'Solenoid directional valve 4WE10', 'PCS', '1150.00', 'S003'],
  ['P-10022', '液压油缸 63/45-300', 'Hydraulic cylinder 63/45-300', 'ITEM', '1680.00', 'S003'],
  ['P-10023', '液压站总成 7.5kW', 'Hydraulic power unit 7.5 kW', 'SET', '18600.00', 'S003'],
  ['P-10024', '电感式接近开关 M18', 'Inductive proximity sensor M18', 'PCS', '128.00', 'S008'],
  ['P-10025', '漫反射光电传感器', 'Diffuse photoelectric sensor', 'PCS', '236.00', 'S008'],
  ['P-10026', '压力变送器 0–25MPa', 'Pressure transmitter 0–25 MPa', 'UNIT', '1380.00', 'S008'],
  ['P-10027', 'PT100 温度传感器', 'PT100 temperature sensor', 'PCS', '165.00', 'S008'],
  ['P-10028', '增量式编码器 1024 线', 'Incremental rotary encoder, 1024 PPR', 'PCS', '890.00', 'S008'],
  ['P-10029', '激光位移传感器', 'Laser displacement sensor', 'UNIT', '6200.00', 'S008'],
  ['P-10030', '三相异步电机 11kW', 'Three-phase induction motor 11 kW', 'UNIT', '4260.00', 'S009'],
  ['P-10031', '塑壳断路器 250A', 'Moulded-case circuit breaker 250 A', 'PCS', '520.00', 'S007'],
  ['P-10032', '交流接触器 32A', 'AC contactor 32 A', 'PCS', '86.00', 'S007'],
  ['P-10033', '中间继电器 24VDC', 'Intermediate relay 24 V DC', 'PCS', '32.00', 'S007'],
  ['P-10034', '开关电源 24V 10A', 'Switching power supply 24 V 10 A', 'PCS', '268.00', 'S007'],
  ['P-10035', '工业以太网交换机 8 口', 'Industrial Ethernet switch, 8 ports', 'UNIT', '2150.00', 'S005'],
  ['P-10036', '标准气缸 SC63×200', 'Pneumatic cylinder SC63×200', 'ITEM', '310.00', 'S010'],
  ['P-10037', '二位五通电磁阀 4V210-08', '5/2 solenoid valve 4V210-08', 'PCS', '95.00', 'S010'],
  ['P-10038', '气源处理三联件', 'Air filter-regulator-lubricator unit', 'SET', '240.00', 'S010'],
  ['P-10039', '五轴联动数控系统', '5-axis CNC control system', 'SET', '38600.00', 'S011'],
  ['P-10040', '电主轴电机 15kW', 'Spindle motor 15 kW', 'UNIT', '15800.00', 'S009'],
  ['P-10041', '机器人 RV 减速器 RV-40E', 'RV reducer for industrial robots, RV-40E', 'UNIT', '9800.00', 'S006'],
  ['P-10042', '梅花联轴器 GR28', 'Jaw coupling GR28', 'PCS', '78.00', 'S002'],
  ['P-10043', '同步带轮组件 HTD5M', 'Timing belt and pulley set HTD5M', 'SET', '186.00', 'S002'],
  ['P-10044', '电控柜总成', 'Electrical control cabinet assembly', 'SET', '26500.00', 'S004'],
];

/** Still on open orders but no longer sold: terminations and replacements have to deal with them. */
const DISCONTINUED: ProductRow[] = [
  ['P-10901', '交流伺服电机 2kW（A2 系列，停产）', 'AC servo motor 2 kW (A2 series, discontinued)', 'UNIT', '4100.00', 'S001'],
  ['P-10902', 'PLC 控制模块 CPU 单元（旧型号，停产）', 'PLC CPU module (legacy model, discontinued)', 'PCS', '5980.00', 'S005'],
];

const WAREHOUSES: [code: string, name: string, city: string][] = [
  ['WH-SH', '上海仓', '上海'],
  ['WH-SZ', '深圳仓', '深圳'],
  ['WH-BJ', '北京仓', '北京'],
  ['WH-CD', '成都仓', '成都'],
];

/** Orders ship from the warehouse of the customer's region when it stocks the product. */
const REGION_WAREHOUSE: Record<string, string> = {
  上海: 'WH-SH',
  苏州: 'WH-SH',
  杭州: 'WH-SH',
  宁波: 'WH-SH',
  无锡: 'WH-SH',
  合肥: 'WH-SH',
  南京: 'WH-SH',
  昆山: 'WH-SH',
  深圳: 'WH-SZ',
  广州: 'WH-SZ',
  东莞: 'WH-SZ',
  佛山: 'WH-SZ',
  厦门: 'WH-SZ',
  香港: 'WH-SZ',
  长沙: 'WH-SZ',
  北京: 'WH-BJ',
  天津: 'WH-BJ',
  青岛: 'WH-BJ',
  沈阳: 'WH-BJ',
  济南: 'WH-BJ',
  郑州: 'WH-BJ',
  大连: 'WH-BJ',
  成都: 'WH-CD',
  重庆: 'WH-CD',
  西安: 'WH-CD',
  武汉: 'WH-CD',
};

/** Cancellation fee rates for BEFORE_PURCHASING, PURCHASING_CONFIRMED, IN_PRODUCTION, SHIPPING. */
const FEE_SCHEDULES: [string, string, string, string][] = [
  ['0.00', '0.10', '0.30', '0.50'],
  ['0.00', '0.05', '0.20', '0.40'],
  ['0.02', '0.15', '0.35', '0.60'],
];
const NOTICE_DAYS = [15, 30, 7, 30, 15, 7, 15];
const VALID_FROM = ['2025-04-01', '2025-07-01', '2025-10-01', '2026-01-01'];

// ---------------------------------------------------------------------------------------------
// Contract clauses: real-sounding termination terms, with the contract's own numbers filled in.

function percent(rate: string): string {
  return `${new Decimal(rate).times(100).toString()}%`;
}

function noticeClause(days: number): ContractClause {
  return {
    code: 'NOTICE_PERIOD',
    titleZh: '终止通知期',
    titleEn: 'Notice period',
    textZh: `任何一方拟终止本合同项下尚未履行完毕的订单（全部或部分），应至少提前${days}日以书面形式通知对方，并写明拟终止的订单、行项目、数量及终止原因。通知期自对方收到书面通知之日起计算。`,
    textEn: `A party wishing to terminate an order under this contract that has not been fully performed, in whole or in part, shall give the other party at least ${days} days' prior written notice identifying the order, the lines and quantities concerned and the reason for termination. The notice period runs from the day the other party receives the notice.`,
  };
}

function feeClause([before, purchasing, production, shipping]: [string, string, string, string]): ContractClause {
  return {
    code: 'CANCELLATION_FEE',
    titleZh: '取消费用',
    titleEn: 'Cancellation fee',
    textZh: `因买方原因终止订单的，买方应按终止时订单所处阶段，以被终止部分的合同金额为基数向卖方支付取消费：采购前 ${percent(before)}；采购已确认 ${percent(purchasing)}；生产中 ${percent(production)}；已进入发货阶段 ${percent(shipping)}。已发运部分按原价结算，不计入基数。`,
    textEn: `Where an order is terminated for reasons attributable to the Buyer, the Buyer shall pay the Seller a cancellation fee on the contract value of the terminated portion, according to the stage of the order at termination: before purchasing ${percent(before)}; purchasing confirmed ${percent(purchasing)}; in production ${percent(production)}; shipping ${percent(shipping)}. Quantities already shipped are invoiced at the contract price and excluded from that base.`,
  };
}

const CONFIRMATION_CLAUSE: ContractClause = {
  code: 'CUSTOMER_CONFIRMATION',
  titleZh: '买方确认',
  titleEn: "Buyer's confirmation",
  textZh:
    '卖方提出终止或部分终止订单的，须经买方授权代表书面确认后方可生效；买方应在收到终止申请后五（5）个工作日内答复，逾期未答复的视为不同意终止。',
  textEn:
    "A termination or partial termination proposed by the Seller takes effect only once confirmed in writing by the Buyer's authorised representative. The Buyer shall reply within five (5) working days of receiving the request; no reply within that period counts as refusal.",
};

const SILENCE_ACCEPTANCE_CLAUSE: ContractClause = {
  code: 'REPLY_PERIOD',
  titleZh: '答复期限',
  titleEn: 'Reply period',
  textZh: '一方就订单终止征询对方意见的，对方应在收到征询后十（10）个工作日内书面答复；逾期未答复的，视为同意终止。',
  textEn:
    'Where a party asks the other for its position on terminating an order, the other party shall reply in writing within ten (10) working days of receiving the request; no reply within that period counts as acceptance of the termination.',
};

const OPTIONAL_CLAUSES: ContractClause[] = [
  {
    code: 'PREPAYMENT_REFUND',
    titleZh: '预付款退还',
    titleEn: 'Refund of prepayments',
    textZh:
      '订单终止生效后，卖方应在扣除应付取消费及经双方确认的已发生费用后，于三十（30）日内将买方已付预付款的余额按原支付路径退还；预付款不足以抵扣的，买方应在收到结算单后十五（15）日内补足差额。',
    textEn:
      'Once a termination takes effect, the Seller shall within thirty (30) days refund to the Buyer, by the original payment route, the balance of any prepayment received after deducting the cancellation fee and costs incurred as agreed by both parties. Where the prepayment does not cover these amounts, the Buyer shall pay the difference within fifteen (15) days of receiving the settlement statement.',
  },
  {
    code: 'GOODS_IN_TRANSIT',
    titleZh: '在途货物',
    titleEn: 'Goods in transit',
    textZh:
      '终止通知送达前已交付承运人的货物视为已发运，不属于终止范围，买方应予签收并按合同价格付款；经双方书面同意退回的，退货运费及保险费由提出终止的一方承担。',
    textEn:
      'Goods handed to the carrier before the termination notice is received count as shipped and fall outside the termination; the Buyer shall accept and pay for them at the contract price. Where both parties agree in writing that such goods be returned, the party requesting the termination bears the return freight and insurance.',
  },
  {
    code: 'FORCE_MAJEURE',
    titleZh: '不可抗力',
    titleEn: 'Force majeure',
    textZh:
      '因地震、台风、洪水、公共卫生事件防控措施或政府行为等不可抗力致使订单无法继续履行的，受影响一方可书面通知终止相关订单，双方互不承担取消费，但受影响一方应在事件发生后十（10）日内提供有效证明。',
    textEn:
      'Where an order cannot be performed because of force majeure such as earthquake, typhoon, flood, public-health control measures or government action, the affected party may terminate the order concerned by written notice and neither party owes a cancellation fee, provided the affected party furnishes valid evidence within ten (10) days of the event.',
  },
];

// ---------------------------------------------------------------------------------------------
// Order bookkeeping while seeding.

interface OrderRecord {
  order: SalesOrder;
  customer: Customer;
  lines: SalesOrderLine[];
  day: number;
  purchaseOrders: Set<PurchaseOrder>;
  /** Day of the latest shipment, once anything shipped: invoicing follows it. */
  lastShipDay: number | null;
  /** Fixtures are built by hand; the random passes leave them alone. */
  fixture: boolean;
}

interface LineSpec {
  sku: string;
  quantity: number;
  /** Defaults to the product's list price, converted for USD orders. */
  unitPrice?: string;
}

/** A fixture line: product, quantity and the price agreed. */
type FixtureLine = [sku: string, quantity: number, unitPrice: string];
type FixturePurchaseLine = [order: OrderRecord, line: SalesOrderLine, quantity: number, unitCost: string];

interface PurchaseRecord {
  po: PurchaseOrder;
  lines: PurchaseOrderLine[];
  orders: Set<OrderRecord>;
  day: number;
}

/** The stage rule of the contract fee schedule, derived from the order and its purchase orders. */
function stageOf(status: OrderStatus, purchaseOrders: Iterable<PurchaseOrder>): OrderStage {
  if (status === 'IN_PRODUCTION') return 'IN_PRODUCTION';
  if (status === 'PARTIALLY_SHIPPED' || status === 'SHIPPED' || status === 'COMPLETED') return 'SHIPPING';
  for (const po of purchaseOrders) if (COMMITTED_PO.includes(po.status)) return 'PURCHASING_CONFIRMED';
  return 'BEFORE_PURCHASING';
}

/** Older orders have mostly run their course; recent ones are mostly still open. */
function statusForAge(rng: Random, ageDays: number): OrderStatus {
  if (ageDays > 150) {
    return rng.weighted<OrderStatus>([
      ['COMPLETED', 55],
      ['SHIPPED', 18],
      ['PARTIALLY_SHIPPED', 10],
      ['IN_PRODUCTION', 9],
      ['CONFIRMED', 8],
    ]);
  }
  if (ageDays > 60) {
    return rng.weighted<OrderStatus>([
      ['COMPLETED', 15],
      ['SHIPPED', 20],
      ['PARTIALLY_SHIPPED', 20],
      ['IN_PRODUCTION', 25],
      ['CONFIRMED', 20],
    ]);
  }
  return rng.weighted<OrderStatus>([
    ['SHIPPED', 4],
    ['PARTIALLY_SHIPPED', 10],
    ['IN_PRODUCTION', 24],
    ['CONFIRMED', 50],
    ['DRAFT', 12],
  ]);
}

function paymentMethod(rng: Random, amount: string): string {
  if (new Decimal(amount).lessThan(20000)) return rng.pick(['ALIPAY', 'BANK_TRANSFER']);
  return rng.weighted([
    ['BANK_TRANSFER', 7],
    ['ACCEPTANCE_BILL', 3],
  ]);
}

// ---------------------------------------------------------------------------------------------

type DerivedProps = 'openQuantity' | 'available';

const RANDOM_ORDERS = 333;
const ORDER_SEED = 20261125;

/**
 * Builds the demo business in memory, as entity objects that no entity manager knows: they are
 * the model the seed reads, never persisted. `demo-records.ts` turns them into ERP sync records,
 * which reach the database the way an adopting company's data does.
 */
class ErpSeeder {
  private readonly rng = new Random(ORDER_SEED);
  /** Every object built, by class, in the order built. */
  private readonly built = new Map<EntityClass<object>, object[]>();

  private readonly customers: Customer[] = [];
  private readonly contracts = new Map<Customer, Contract>();
  private readonly products = new Map<string, Product>();
  private readonly supplierOf = new Map<Product, string>();
  private readonly suppliers = new Map<string, Supplier>();
  private readonly warehouses = new Map<string, Warehouse>();
  private readonly stock = new Map<Product, StockLevel[]>();
  private readonly orders: OrderRecord[] = [];
  private readonly purchases: PurchaseRecord[] = [];
  private readonly activeReservations: Reservation[] = [];
  private readonly numbers = { order: 0, shipment: 0, po: 0, invoice: 0, payment: 0 };

  build(): DemoBusiness {
    this.seedMasterData();
    this.seedFixtures();
    this.seedRandomOrders();
    this.seedRandomPurchasing();
    this.seedRandomReservations();
    this.seedRandomFinance();
    this.settlePurchaseReceipts();
    this.applyStages();
    this.settleStock();
    return {
      customers: this.all(Customer),
      suppliers: this.all(Supplier),
      products: this.all(Product),
      warehouses: this.all(Warehouse),
      contracts: this.all(Contract),
      orders: this.orders.map(({ order, lines }) => ({ order, lines })),
      purchases: this.purchases.map(({ po, lines }) => ({ po, lines })),
      stock: this.all(StockLevel),
      reservations: this.all(Reservation),
      shipments: this.all(Shipment),
      invoices: this.all(Invoice),
      payments: this.all(Payment),
    };
  }

  /** An unmanaged entity object; computed getters (openQuantity, available) are not data to pass. */
  private make<T extends object>(cls: EntityClass<T>, data: Omit<RequiredEntityData<T>, DerivedProps>): T {
    const made = Object.assign(new (cls as unknown as new () => T)(), data);
    const list = this.built.get(cls) ?? this.built.set(cls, []).get(cls)!;
    list.push(made);
    return made;
  }

  private all<T extends object>(cls: EntityClass<T>): T[] {
    return (this.built.get(cls) ?? []) as T[];
  }

  private nextNumber(kind: keyof ErpSeeder['numbers'], prefix: string, digits: number): string {
    this.numbers[kind] += 1;
    return `${prefix}${String(this.numbers[kind]).padStart(digits, '0')}`;
  }

  private product(sku: string): Product {
    const product = this.products.get(sku);
    if (!product) throw new Error(`seed: unknown product ${sku}`);
    return product;
  }

  private customer(code: string): Customer {
    const customer = this.customers.find((c) => c.code === code);
    if (!customer) throw new Error(`seed: unknown customer ${code}`);
    return customer;
  }

  // --- master data -----------------------------------------------------------------------------

  private seedMasterData(): void {
    CUSTOMERS.forEach((row, i) => this.seedCustomer(row, i));
    for (const [code, name, contactName, email, phone] of SUPPLIERS) {
      this.suppliers.set(code, this.make(Supplier, { createdAt: CATALOG_CREATED, code, name, contactName, email, phone }));
    }
    for (const row of PRODUCTS) this.seedProduct(row, ProductStatus.ACTIVE);
    for (const row of DISCONTINUED) this.seedProduct(row, ProductStatus.DISCONTINUED);
    for (const [code, name, city] of WAREHOUSES) {
      this.warehouses.set(code, this.make(Warehouse, { createdAt: CATALOG_CREATED, code, name, city }));
    }
    for (const product of this.products.values()) this.seedStock(product);
  }

  private seedCustomer([name, nameEn, contactName, email, phone, city]: CustomerRow, i: number): void {
    const code = `C${String(i + 1).padStart(4, '0')}`;
    const customer = this.make(Customer, {
      createdAt: CATALOG_CREATED,
      code,
      name,
      nameEn,
      contactName,
      email,
      phone,
      city,
    });
    this.customers.push(customer);
    this.contracts.set(customer, this.seedContract(customer, i));
  }

  /** Contract terms rotate by customer index, so the fixture customers get known terms. */
  private seedContract(customer: Customer, i: number): Contract {
    const rates = FEE_SCHEDULES[i % FEE_SCHEDULES.length]!;
    const noticeDays = NOTICE_DAYS[i % NOTICE_DAYS.length]!;
    const customerConfirmationRequired = i % 2 === 0;
    const feeSchedule: FeeScheduleEntry[] = [
      { stage: 'BEFORE_PURCHASING', rate: rates[0] },
      { stage: 'PURCHASING_CONFIRMED', rate: rates[1] },
      { stage: 'IN_PRODUCTION', rate: rates[2] },
      { stage: 'SHIPPING', rate: rates[3] },
    ];
    const clauses = [noticeClause(noticeDays), feeClause(rates)];
    if (customerConfirmationRequired) clauses.push(CONFIRMATION_CLAUSE);
    const extra = this.rng.int(clauses.length >= 3 ? 0 : 1, 5 - clauses.length);
    clauses.push(...this.rng.sample(OPTIONAL_CLAUSES, extra));
    // The reply rule follows the contract's text: the confirmation clause says five working days,
    // silence = refusal; every other contract without it says ten working days, silence = acceptance
    // (added after the random draws so the rest of the demo data stays as it was).
    const reply = customerConfirmationRequired
      ? { replyWorkingDays: 5, silenceMeans: SilenceMeans.REFUSAL }
      : i % 4 === 1
        ? { replyWorkingDays: 10, silenceMeans: SilenceMeans.ACCEPTANCE }
        : { replyWorkingDays: null, silenceMeans: null };
    if (reply.silenceMeans === SilenceMeans.ACCEPTANCE) clauses.push(SILENCE_ACCEPTANCE_CLAUSE);
    return this.make(Contract, {
      createdAt: CATALOG_CREATED,
      number: `CT-2026-${String(i + 1).padStart(4, '0')}`,
      customer,
      title: `2026 年度工业自动化产品采购框架合同（${customer.name}）`,
      noticeDays,
      feeSchedule,
      customerConfirmationRequired,
      ...reply,
      clauses,
      validFrom: VALID_FROM[i % VALID_FROM.length]!,
    });
  }

  private seedProduct([sku, name, nameEn, unit, listPrice, supplier]: ProductRow, status: ProductStatus): void {
    const product = this.make(Product, { createdAt: CATALOG_CREATED, sku, name, nameEn, unit, listPrice, status });
    this.products.set(sku, product);
    this.supplierOf.set(product, supplier);
  }

  /** Stock in 1–3 warehouses; `reserved` is filled in from the reservations at the end. */
  private seedStock(product: Product): void {
    const price = Number(product.listPrice);
    const codes = this.rng.sample([...this.warehouses.keys()], this.rng.int(1, 3));
    const levels = codes.map((code) => {
      const onHand = price >= 10000 ? this.rng.int(2, 30) : price >= 1000 ? this.rng.int(20, 300) : this.rng.int(200, 3000);
      return this.make(StockLevel, {
        createdAt: CATALOG_CREATED,
        warehouse: this.warehouses.get(code)!,
        product,
        onHand,
        reserved: 0,
      });
    });
    this.stock.set(product, levels);
  }

  // --- building blocks -------------------------------------------------------------------------

  private priceFor(product: Product, currency: string): string {
    const list = new Decimal(product.listPrice).times(1 + this.rng.int(-8, 4) / 100);
    return money(currency === 'USD' ? list.dividedBy(CNY_PER_USD) : list);
  }

  private createOrder(opts: { customer: Customer; status: OrderStatus; day: number; lines: LineSpec[]; fixture: boolean }): OrderRecord {
    const currency = opts.customer.code === USD_CUSTOMER ? 'USD' : 'CNY';
    const specs = opts.lines.map((spec) => {
      const product = this.product(spec.sku);
      return { product, quantity: spec.quantity, unitPrice: spec.unitPrice ?? this.priceFor(product, currency) };
    });
    const total = specs.reduce((sum, s) => sum.plus(new Decimal(s.unitPrice).times(s.quantity)), new Decimal(0));
    const createdAt = at(opts.day, this.rng.int(9, 17), this.rng.int(0, 59));
    const order = this.make(SalesOrder, {
      createdAt,
      number: this.nextNumber('order', 'SO-2026-', 5),
      customer: opts.customer,
      contract: this.contracts.get(opts.customer)!,
      status: opts.status,
      // Provisional: the real stage depends on purchase orders created later (see applyStages).
      stage: 'BEFORE_PURCHASING',
      currency,
      totalAmount: money(total),
      orderDate: dateOf(opts.day),
      requestedDeliveryDate: dateOf(opts.day + this.rng.int(20, 60)),
    });
    const lines = specs.map((s, i) =>
      this.make(SalesOrderLine, {
        createdAt,
        order,
        lineNo: i + 1,
        product: s.product,
        quantity: s.quantity,
        unitPrice: s.unitPrice,
      }),
    );
    const record: OrderRecord = {
      order,
      customer: opts.customer,
      lines,
      day: opts.day,
      purchaseOrders: new Set(),
      lastShipDay: null,
      fixture: opts.fixture,
    };
    this.orders.push(record);
    return record;
  }

  /** Ships part of a line, no later than `latest`; recent shipments are still on the road. */
  private ship(record: OrderRecord, line: SalesOrderLine, quantity: number, day: number, latest = TODAY): Shipment {
    const shipDay = clamp(day, record.day + 1, latest);
    const inTransit = shipDay >= TODAY - 3;
    const shippedAt = at(shipDay, this.rng.int(8, 17), this.rng.int(0, 59));
    line.shippedQuantity += quantity;
    record.lastShipDay = Math.max(record.lastShipDay ?? shipDay, shipDay);
    return this.make(Shipment, {
      createdAt: shippedAt,
      number: this.nextNumber('shipment', 'SH-2026-', 5),
      order: record.order,
      line,
      quantity,
      status: inTransit ? ShipmentStatus.IN_TRANSIT : ShipmentStatus.DELIVERED,
      carrier: this.rng.pick(CARRIERS),
      shippedAt,
      deliveredAt: inTransit ? null : at(Math.min(shipDay + this.rng.int(1, 3), TODAY - 1), this.rng.int(9, 18), this.rng.int(0, 59)),
    });
  }

  /** Ships the whole remaining line, sometimes in two lots. */
  private shipInFull(record: OrderRecord, line: SalesOrderLine, day: number, latest = TODAY): void {
    const remaining = line.quantity - line.shippedQuantity;
    if (remaining >= 20 && this.rng.chance(0.4)) {
      const first = Math.floor((remaining * this.rng.int(40, 70)) / 100);
      this.ship(record, line, first, day, latest);
      this.ship(record, line, remaining - first, day + this.rng.int(3, 10), latest);
    } else {
      this.ship(record, line, remaining, day, latest);
    }
  }

  /** The customer's regional warehouse when it stocks the product, else the fullest one. */
  private warehouseFor(record: OrderRecord, product: Product): StockLevel {
    const levels = this.stock.get(product)!;
    const regional = levels.find((l) => l.warehouse.code === REGION_WAREHOUSE[record.customer.city]);
    return regional ?? levels.reduce((best, l) => (l.onHand > best.onHand ? l : best));
  }

  private reserve(record: OrderRecord, line: SalesOrderLine, quantity: number, status: ReservationStatus, day: number): Reservation {
    const level = this.warehouseFor(record, line.product);
    const reservation = this.make(Reservation, {
      createdAt: at(day, 10),
      salesOrderLine: line,
      warehouse: level.warehouse,
      product: line.product,
      quantity,
      status,
    });
    if (status === ReservationStatus.ACTIVE) this.activeReservations.push(reservation);
    return reservation;
  }

  /** Reserves what is still open on the line. */
  private reserveOpen(record: OrderRecord, line: SalesOrderLine): void {
    const open = line.quantity - line.shippedQuantity - line.terminatedQuantity;
    if (open > 0) this.reserve(record, line, open, ReservationStatus.ACTIVE, record.day + 1);
  }

  /** Shipped goods came out of a reservation that is now used up. */
  private consumeShipped(record: OrderRecord): void {
    for (const line of record.lines) {
      if (line.shippedQuantity > 0) this.reserve(record, line, line.shippedQuantity, ReservationStatus.CONSUMED, record.day + 1);
    }
  }

  private createPurchaseOrder(supplier: string, status: PurchaseOrderStatus, day: number, penaltyRate?: string): PurchaseRecord {
    const poDay = Math.min(day, TODAY);
    const po = this.make(PurchaseOrder, {
      createdAt: at(poDay, this.rng.int(9, 17)),
      number: this.nextNumber('po', 'PO-2026-', 5),
      supplier: this.suppliers.get(supplier)!,
      status,
      currency: 'CNY',
      orderDate: dateOf(poDay),
      cancellationPenaltyRate: penaltyRate ?? this.rng.weighted(PENALTY_RATES),
    });
    const record: PurchaseRecord = { po, lines: [], orders: new Set(), day: poDay };
    this.purchases.push(record);
    return record;
  }

  /** Buys for one sales order line; the supplier's cost sits well below our selling price. */
  private addPurchaseLine(purchase: PurchaseRecord, order: OrderRecord, line: SalesOrderLine, quantity: number, unitCost?: string): void {
    const cost = unitCost ?? money(new Decimal(line.unitPrice).times(this.rng.int(58, 82)).dividedBy(100));
    purchase.lines.push(
      this.make(PurchaseOrderLine, {
        createdAt: purchase.po.createdAt,
        purchaseOrder: purchase.po,
        product: line.product,
        salesOrderLine: line,
        quantity,
        unitCost: cost,
      }),
    );
    purchase.orders.add(order);
    order.purchaseOrders.add(purchase.po);
  }

  private invoice(record: OrderRecord, amount: string, day: number): Invoice {
    return this.make(Invoice, {
      createdAt: at(Math.min(day, TODAY), 11),
      number: this.nextNumber('invoice', 'INV-2026-', 5),
      order: record.order,
      amount,
      issuedOn: dateOf(Math.min(day, TODAY)),
    });
  }

  /** Pays an invoice in full. */
  private pay(invoice: Invoice, day: number, method?: string): Payment {
    return this.make(Payment, {
      createdAt: at(Math.min(day, TODAY), 15),
      reference: this.nextNumber('payment', 'PAY-2026-', 5),
      order: invoice.order,
      invoice,
      amount: invoice.amount,
      method: method ?? paymentMethod(this.rng, invoice.amount),
      paidOn: dateOf(Math.min(day, TODAY)),
    });
  }

  private prepaymentOf(record: OrderRecord): string {
    return money(new Decimal(record.order.totalAmount).times('0.30'));
  }

  // --- fixtures --------------------------------------------------------------------------------

  /** Created first so they get the numbers SO-2026-00001…00007 that tests and demos use. */
  private seedFixtures(): void {
    this.fixtureSharedPurchaseOrder();
    this.fixturePartiallyShipped();
    this.fixtureShipped();
    this.fixtureSimple();
    this.fixtureHighValue();
    this.fixtureDiscontinued();
  }

  /** A fixture order: a known customer, status, day and lines at set prices. */
  private fixtureOrder(customerCode: string, status: OrderStatus, date: string, lines: FixtureLine[]): OrderRecord {
    return this.createOrder({
      customer: this.customer(customerCode),
      status,
      day: dayOf(date),
      fixture: true,
      lines: lines.map(([sku, quantity, unitPrice]) => ({ sku, quantity, unitPrice })),
    });
  }

  /** A fixture purchase order at a set penalty rate, buying set quantities at set costs. */
  private fixturePurchase(supplier: string, status: PurchaseOrderStatus, date: string, penaltyRate: string, lines: FixturePurchaseLine[]) {
    const purchase = this.createPurchaseOrder(supplier, status, dayOf(date), penaltyRate);
    for (const [order, line, quantity, unitCost] of lines) this.addPurchaseLine(purchase, order, line, quantity, unitCost);
    return purchase;
  }

  /** The 30 % prepayment, invoiced on a day and, when `paid` says so, paid on another. */
  private prepay(record: OrderRecord, invoicedOn: string, paid?: { on: string; method: string }): void {
    const amount = this.prepaymentOf(record);
    const invoice = this.invoice(record, amount, dayOf(invoicedOn));
    if (paid) this.pay(invoice, dayOf(paid.on), paid.method);
  }

  private fixtureSharedPurchaseOrder(): void {
    // SO-2026-00001: the main demo order. Customer-confirmed contract (0/10/30/50 %), purchasing
    // confirmed, an exclusive PO, a PO shared with SO-2026-00002, reservations and a paid prepayment.
    const so1 = this.fixtureOrder('C0001', 'CONFIRMED', '2026-11-02', [
      ['P-10002', 24, '5460.00'],
      ['P-10005', 30, '3650.00'],
      ['P-10012', 200, '46.80'],
    ]);
    // SO-2026-00002: in production, shares PO with SO-2026-00001 (termination must not cancel the
    // whole PO); contract without customer confirmation; prepayment invoiced but not paid.
    const so2 = this.fixtureOrder('C0002', 'IN_PRODUCTION', '2026-10-20', [
      ['P-10007', 12, '6850.00'],
      ['P-10010', 12, '3380.00'],
    ]);
    this.fixturePurchase('S001', 'CONFIRMED', '2026-11-04', '0.0500', [[so1, so1.lines[0]!, 24, '4150.00']]);
    this.fixturePurchase('S005', 'SENT', '2026-11-05', '0.1000', [
      [so1, so1.lines[1]!, 30, '2780.00'],
      [so2, so2.lines[0]!, 12, '5120.00'],
    ]);
    this.reserveOpen(so1, so1.lines[0]!);
    this.reserveOpen(so1, so1.lines[2]!);
    this.prepay(so1, '2026-11-03', { on: '2026-11-09', method: 'BANK_TRANSFER' });
    this.prepay(so2, '2026-10-22');
  }

  private fixturePartiallyShipped(): void {
    // SO-2026-00003: partially shipped. Line 1 partly on the road (IN_TRANSIT), line 2 untouched
    // but reserved: only the unshipped remainder can be terminated.
    const so3 = this.fixtureOrder('C0003', 'PARTIALLY_SHIPPED', '2026-10-12', [
      ['P-10016', 60, '2360.00'],
      ['P-10024', 150, '128.00'],
    ]);
    this.ship(so3, so3.lines[0]!, 20, dayOf('2026-11-23'));
    this.consumeShipped(so3);
    this.reserveOpen(so3, so3.lines[1]!);
    this.prepay(so3, '2026-10-13', { on: '2026-10-20', method: 'BANK_TRANSFER' });
  }

  private fixtureShipped(): void {
    // SO-2026-00004: fully shipped, delivered, invoiced and paid: nothing left to terminate.
    const so4 = this.fixtureOrder('C0004', 'SHIPPED', '2026-09-15', [
      ['P-10030', 10, '4260.00'],
      ['P-10031', 40, '520.00'],
    ]);
    this.ship(so4, so4.lines[0]!, 10, dayOf('2026-10-09'));
    this.ship(so4, so4.lines[1]!, 40, dayOf('2026-10-09'));
    this.consumeShipped(so4);
    this.invoiceAndPayInFull(so4, dayOf('2026-09-16'), dayOf('2026-10-10'));
  }

  private fixtureSimple(): void {
    // SO-2026-00005: the simplest case. Confirmed, nothing purchased, reserved or invoiced, small
    // total, no customer confirmation: a termination here has no fee and no follow-ups.
    this.fixtureOrder('C0006', 'CONFIRMED', '2026-11-18', [
      ['P-10011', 200, '18.50'],
      ['P-10025', 50, '236.00'],
    ]);
  }

  private fixtureHighValue(): void {
    // SO-2026-00006: high value (> 600 000 CNY, triggers management approval); line 1's PO is
    // partially received, so cancelling it leaves received goods and a supplier penalty.
    const so6 = this.fixtureOrder('C0005', 'CONFIRMED', '2026-10-28', [
      ['P-10039', 16, '38600.00'],
      ['P-10040', 16, '15800.00'],
    ]);
    const partiallyReceived = this.fixturePurchase('S011', 'PARTIALLY_RECEIVED', '2026-10-30', '0.1000', [
      [so6, so6.lines[0]!, 16, '31200.00'],
    ]);
    partiallyReceived.lines[0]!.receivedQuantity = 6;
    this.reserveOpen(so6, so6.lines[1]!);
    this.prepay(so6, '2026-10-29', { on: '2026-11-06', method: 'ACCEPTANCE_BILL' });
  }

  private fixtureDiscontinued(): void {
    // SO-2026-00007: line 1 is a discontinued product (P-10901) on an exclusive confirmed PO:
    // the "product discontinued" termination reason and its purchasing follow-up.
    const so7 = this.fixtureOrder('C0007', 'CONFIRMED', '2026-11-10', [
      ['P-10901', 30, '4100.00'],
      ['P-10003', 30, '2680.00'],
    ]);
    this.fixturePurchase('S001', 'CONFIRMED', '2026-11-12', '0.0500', [[so7, so7.lines[0]!, 30, '3350.00']]);
    this.prepay(so7, '2026-11-11', { on: '2026-11-17', method: 'BANK_TRANSFER' });
  }

  /** 30 % prepayment at order time and the balance after shipping, both paid. */
  private invoiceAndPayInFull(record: OrderRecord, orderDay: number, shippedDay: number): void {
    const prepayment = this.prepaymentOf(record);
    const balance = money(new Decimal(record.order.totalAmount).minus(prepayment));
    this.pay(this.invoice(record, prepayment, orderDay), orderDay + this.rng.int(3, 10));
    this.pay(this.invoice(record, balance, shippedDay), Math.min(shippedDay + this.rng.int(10, 30), TODAY));
  }

  // --- random orders ---------------------------------------------------------------------------

  /** Business grows over the year: order days are skewed towards recent dates. */
  private randomOrderDays(): number[] {
    const span = LAST_ORDER_DAY - FIRST_ORDER_DAY + 1;
    const days = Array.from({ length: RANDOM_ORDERS }, () => FIRST_ORDER_DAY + Math.floor(Math.sqrt(this.rng.next()) * span));
    return days.map((d) => Math.min(d, LAST_ORDER_DAY)).sort((a, b) => a - b);
  }

  private seedRandomOrders(): void {
    // Key accounts order more often.
    const weightedCustomers = this.customers.map((c, i) => [c, i < 6 ? 3 : 1] as const);
    const active = PRODUCTS.map(([sku]) => sku);
    const all = [...active, ...DISCONTINUED.map(([sku]) => sku)];
    let openCount = 0;
    for (const day of this.randomOrderDays()) {
      const customer = this.rng.weighted(weightedCustomers);
      const status = statusForAge(this.rng, TODAY - day);
      const open = OPEN_STATUSES.includes(status);
      const lineCount = this.rng.weighted([
        [1, 18],
        [2, 30],
        [3, 26],
        [4, 16],
        [5, 10],
      ]);
      // Closed orders may predate a discontinuation; new business only sells active products.
      const skus = this.rng.sample(open || status === 'DRAFT' ? active : all, lineCount);
      // Every sixth open order still carries a discontinued product, alternating the two.
      if (open && ++openCount % 6 === 0) {
        skus[this.rng.int(0, skus.length - 1)] = DISCONTINUED[(openCount / 6) % 2]![0];
      }
      const lines = skus.map((sku) => ({
        sku,
        quantity: quantityFor(this.rng, new Decimal(this.product(sku).listPrice).times(100).toNumber()),
      }));
      // A partially shipped order ships part of line 1, so line 1 needs at least 2 units.
      if (status === 'PARTIALLY_SHIPPED') lines[0]!.quantity = Math.max(lines[0]!.quantity, 2);
      const record = this.createOrder({ customer, status, day, lines, fixture: false });
      this.shipRandomOrder(record);
    }
  }

  private shipRandomOrder(record: OrderRecord): void {
    const { status } = record.order;
    const shipDay = (): number => record.day + this.rng.int(7, 45);
    if (status === 'SHIPPED' || status === 'COMPLETED') {
      // Completed orders were delivered in full: every lot left in time to arrive before today.
      const latest = status === 'COMPLETED' ? TODAY - 5 : TODAY;
      for (const line of record.lines) this.shipInFull(record, line, shipDay(), latest);
    } else if (status === 'PARTIALLY_SHIPPED') {
      record.lines.forEach((line, i) => {
        const discontinued = line.product.status === ProductStatus.DISCONTINUED;
        // Line 1 is always partly shipped, so the order has both shipped and open quantity.
        const mode =
          i === 0
            ? 'partial'
            : this.rng.weighted([
                ['full', discontinued ? 0 : 4],
                ['partial', 2],
                ['none', 4],
              ]);
        if (mode === 'full') this.shipInFull(record, line, shipDay());
        else if (mode === 'partial' && line.quantity >= 2) this.ship(record, line, this.rng.int(1, line.quantity - 1), shipDay());
      });
    }
  }

  /**
   * About 60 % of non-draft yuan orders buy some lines from suppliers. Lines group into one PO per
   * supplier, and a PO opened for a recent order of the same phase is often reused: shared POs.
   */
  private seedRandomPurchasing(): void {
    const pending = new Map<string, PurchaseRecord>();
    for (const record of this.orders) {
      if (record.fixture || record.order.status === 'DRAFT' || record.order.currency !== 'CNY') continue;
      if (!this.rng.chance(0.64)) continue;
      const phase = phaseOf(record.order.status);
      for (const [supplier, lines] of this.linesToPurchase(record)) {
        const key = `${supplier}|${phase}`;
        let purchase = pending.get(key);
        const reusable = purchase && purchase.orders.size < 3 && record.day - purchase.day <= 12 && this.rng.chance(0.55);
        if (!purchase || !reusable) {
          purchase = this.createPurchaseOrder(supplier, poStatusFor(this.rng, phase), record.day + this.rng.int(1, 4));
          pending.set(key, purchase);
        } else {
          this.redatePurchase(purchase, record.day + 1);
        }
        for (const line of lines) {
          const quantity = this.rng.chance(0.8) ? line.quantity : this.rng.int(Math.ceil(line.quantity / 2), line.quantity);
          this.addPurchaseLine(purchase, record, line, quantity);
        }
      }
    }
  }

  /** A PO is never dated before a sales order it buys for. */
  private redatePurchase(purchase: PurchaseRecord, day: number): void {
    const poDay = Math.min(Math.max(purchase.day, day), TODAY);
    purchase.day = poDay;
    purchase.po.orderDate = dateOf(poDay);
    purchase.po.createdAt = at(poDay, 16);
    for (const line of purchase.lines) line.createdAt = purchase.po.createdAt;
  }

  /** Some lines of the order, at least one, grouped by the product's supplier. */
  private linesToPurchase(record: OrderRecord): Map<string, SalesOrderLine[]> {
    let lines = record.lines.filter(() => this.rng.chance(0.65));
    if (lines.length === 0) lines = [this.rng.pick(record.lines)];
    const bySupplier = new Map<string, SalesOrderLine[]>();
    for (const line of lines) {
      const supplier = this.supplierOf.get(line.product)!;
      bySupplier.set(supplier, [...(bySupplier.get(supplier) ?? []), line]);
    }
    return bySupplier;
  }

  private seedRandomReservations(): void {
    for (const record of this.orders) {
      if (record.fixture || record.order.status === 'DRAFT') continue;
      this.consumeShipped(record);
      if (!OPEN_STATUSES.includes(record.order.status)) continue;
      for (const line of record.lines) if (this.rng.chance(0.65)) this.reserveOpen(record, line);
    }
  }

  private seedRandomFinance(): void {
    for (const record of this.orders) {
      if (record.fixture) continue;
      switch (record.order.status) {
        case 'CONFIRMED':
          this.maybePrepay(record, 0.6, 0.75);
          break;
        case 'IN_PRODUCTION':
          this.maybePrepay(record, 0.75, 0.85);
          break;
        case 'PARTIALLY_SHIPPED':
          this.maybePrepay(record, 0.85, 0.9);
          break;
        case 'SHIPPED':
          this.invoiceShipped(record);
          break;
        case 'COMPLETED':
          this.invoiceAndPayInFull(record, record.day + 1, record.lastShipDay! + 1);
          break;
        default:
          break;
      }
    }
  }

  private maybePrepay(record: OrderRecord, invoiceChance: number, payChance: number): void {
    if (!this.rng.chance(invoiceChance)) return;
    const amount = this.prepaymentOf(record);
    const issued = record.day + this.rng.int(1, 4);
    this.payIfDue(this.invoice(record, amount, issued), issued + this.rng.int(3, 20), payChance);
  }

  /** Shipped orders are fully invoiced; the balance is often still outstanding. */
  private invoiceShipped(record: OrderRecord): void {
    const shipped = record.lastShipDay!;
    if (!this.rng.chance(0.7)) {
      this.payIfDue(this.invoice(record, record.order.totalAmount, shipped + 1), shipped + this.rng.int(5, 30), 0.5);
      return;
    }
    const prepayment = this.prepaymentOf(record);
    this.pay(this.invoice(record, prepayment, record.day + 1), record.day + this.rng.int(3, 10));
    const balance = money(new Decimal(record.order.totalAmount).minus(prepayment));
    this.payIfDue(this.invoice(record, balance, shipped + 1), shipped + this.rng.int(5, 30), 0.5);
  }

  /** Pays with the given likelihood, unless the payment would fall after today. */
  private payIfDue(invoice: Invoice, day: number, likelihood: number): void {
    if (this.rng.chance(likelihood) && day <= TODAY) this.pay(invoice, day);
  }

  // --- final consistency passes ----------------------------------------------------------------

  /** Received quantities follow each PO's status, now that every PO has all its lines. */
  private settlePurchaseReceipts(): void {
    for (const purchase of this.purchases) {
      const { po, lines } = purchase;
      if (po.status === 'RECEIVED') {
        for (const line of lines) line.receivedQuantity = line.quantity;
      } else if (po.status === 'PARTIALLY_RECEIVED' && !lines.some((l) => l.receivedQuantity > 0)) {
        this.receivePartially(purchase);
      }
    }
  }

  /** Some but not all of the PO received; a single one-unit line cannot be, so it stays confirmed. */
  private receivePartially({ po, lines }: PurchaseRecord): void {
    for (const line of lines) line.receivedQuantity = this.rng.int(0, line.quantity);
    const first = lines[0]!;
    const last = lines[lines.length - 1]!;
    if (lines.length >= 2) {
      if (lines.every((l) => l.receivedQuantity === 0)) first.receivedQuantity = first.quantity;
      if (lines.every((l) => l.receivedQuantity === l.quantity)) last.receivedQuantity = 0;
    } else if (first.quantity >= 2) {
      first.receivedQuantity = clamp(first.receivedQuantity, 1, first.quantity - 1);
    } else {
      first.receivedQuantity = 0;
      po.status = 'CONFIRMED';
    }
  }

  private applyStages(): void {
    for (const record of this.orders) record.order.stage = stageOf(record.order.status, record.purchaseOrders);
  }

  /** `reserved` is exactly what active reservations hold; on-hand always covers it. */
  private settleStock(): void {
    const reserved = new Map<StockLevel, number>();
    for (const r of this.activeReservations) {
      const level = this.stock.get(r.product)!.find((l) => l.warehouse === r.warehouse)!;
      reserved.set(level, (reserved.get(level) ?? 0) + r.quantity);
    }
    for (const [level, quantity] of reserved) {
      level.reserved = quantity;
      if (level.onHand < quantity) level.onHand = quantity + this.rng.int(0, 40);
    }
  }
}

/** The demo business: what the demo seed sends through ERP sync (see demo-records.ts). */
export interface DemoBusiness {
  customers: Customer[];
  suppliers: Supplier[];
  products: Product[];
  warehouses: Warehouse[];
  contracts: Contract[];
  orders: { order: SalesOrder; lines: SalesOrderLine[] }[];
  purchases: { po: PurchaseOrder; lines: PurchaseOrderLine[] }[];
  stock: StockLevel[];
  reservations: Reservation[];
  shipments: Shipment[];
  invoices: Invoice[];
  payments: Payment[];
}

/**
 * The demo business of the ERP core: customers, contracts, products, stock, ~340 sales orders
 * with their purchasing, shipping, reservations and invoicing, plus the fixture orders
 * SO-2026-00001…00007. Deterministic: the same business on every call.
 */
export function buildDemoBusiness(): DemoBusiness {
  return new ErpSeeder().build();
}
