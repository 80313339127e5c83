import { BarChart, PieChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

/** Only the ECharts parts the dashboard draws with (the whole library would triple the page's size). */
use([CanvasRenderer, PieChart, BarChart, TooltipComponent, LegendComponent, GridComponent, AriaComponent]);
