using System.Collections.Frozen;

namespace SceneFinance.AdminUi.Shell;

/// <summary>
/// Every visible label of the shell, keyed by its English words (the glossary's), with the zh-CN words beside
/// them. zh-CN is the default; the language lives in a cookie and is set once per request and per circuit.
/// A key without a translation shows as is, so a missing entry is visible, never a crash.
/// </summary>
public sealed partial class Text
{
    public const string Chinese = "zh-CN";
    public const string English = "en";
    public const string Cookie = "sf.lang";

    public string Language { get; private set; } = Chinese;
    public bool IsChinese => Language == Chinese;

    public void Use(string? language) => Language = language == English ? English : Chinese;

    public static string Normalize(string? language) => language == English ? English : Chinese;

    public string this[string english] => IsChinese && Zh.TryGetValue(english, out var zh) ? zh : english;

    public string Format(string english, params object[] args) => string.Format(this[english], args);

    /// <summary>A slice's English sentence (a problem's detail) in the page's language when the catalog has it, else null: a msgid lookup.</summary>
    public string? Catalogued(string english) => Zh.ContainsKey(english) ? this[english] : null;

    // Each module's words live in their own file (Text.Campus.cs, Text.Hospital.cs...): one dictionary per area, and English
    // words in one area only (words several use are in ShellWords), so no area's translation silently hides another's.
    // Built on first use: static fields in several files initialize in no fixed order.
    static FrozenDictionary<string, string> Zh => _zh ??= Build();

    static FrozenDictionary<string, string> Build()
    {
        var words = new[] { ShellWords, CampusWords, HospitalWords, WithholdingWords, HospitalInsuranceWords, HospitalPatientWords, PaymentWords, RiskWords, BackOfficeWords, CanteenWords, AccessWords, TrustWords, SecretWords }
            .SelectMany(area => area).ToList();
        var twice = words.GroupBy(w => w.Key).Where(g => g.Count() > 1).Select(g => $"\"{g.Key}\"").ToList();
        if (twice.Count > 0)
            throw new InvalidOperationException($"The shell's word lists define {string.Join(", ", twice)} in more than one area: keep each once (shared words in ShellWords).");
        return words.ToFrozenDictionary(w => w.Key, w => w.Value);
    }

    static FrozenDictionary<string, string>? _zh;

    // Over 300 lines because it is a word list, read by key, not followed; the online payments' entries below move to
    // Text.Payments.cs with their pages (the hospital's are in Text.Hospital.cs).
    static readonly Dictionary<string, string> ShellWords = new()
    {
        // Words several areas use, kept here once: a second area defining the same English words is refused by TextSpecs.
        ["Enable"] = "启用",
        ["Ask for approval"] = "提交审批",
        ["Disable"] = "停用",
        ["Net"] = "净额",
        ["Category"] = "类别",
        ["Total"] = "合计",
        ["Count"] = "笔数",
        ["Returned"] = "已退回",
        ["card"] = "卡",
        ["open"] = "待处理",
        ["assigned"] = "已分派",
        ["Subject"] = "对象",
        ["Assign"] = "分派",
        ["Comment"] = "备注",
        ["Approved by"] = "复核人",
        ["From"] = "从",
        ["Updated"] = "更新时间",
        ["WeChat Pay"] = "微信支付",
        ["Alipay"] = "支付宝",
        ["UnionPay"] = "银联",
        ["e-CNY"] = "数字人民币",
        ["The file is larger than 20 MB."] = "文件超过 20 MB。",
        ["Done"] = "完成",
        ["Added"] = "新增",
        ["Rejected"] = "已拒绝",
        ["Row"] = "行号",
        ["Taps"] = "刷卡笔数",
        ["Item"] = "项目",
        ["Enter a whole number."] = "请输入整数。",
        ["Refund"] = "退款",
        ["Reject"] = "驳回",
        ["Requested"] = "申请时间",
        ["Requested by"] = "申请人",
        ["Decided by"] = "复核人",
        ["Saved."] = "已保存。",
        ["breakfast"] = "早餐",
        ["lunch"] = "午餐",
        ["dinner"] = "晚餐",
        ["Remove"] = "移除",
        ["queued"] = "排队中",
        ["running"] = "进行中",
        ["Action"] = "操作",
        ["Holders"] = "持卡人数",
        ["tenant_suspended"] = "机构已暂停",
        ["Approve"] = "通过",
        ["Outcome"] = "结果",
        ["live"] = "生效",
        ["disabled"] = "已停用",
        ["Added on"] = "加入时间",
        ["Mark returned"] = "标记退回",
        ["SceneFinance operations"] = "场景金融 · 运营管理",
        ["Sign in"] = "登录",
        ["Sign out"] = "退出",
        ["Username"] = "用户名",
        ["Password"] = "密码",
        ["The username or password is wrong."] = "用户名或密码错误。",
        ["Too many failed sign-ins; wait a few minutes."] = "登录失败次数过多，请稍后再试。",
        ["The sign-in form had expired; please sign in again."] = "登录表单已过期，请重新登录。",
        ["Connected"] = "已连接",
        ["Connecting…"] = "连接中…",
        ["Language"] = "语言",
        ["Ops cockpit"] = "运营驾驶舱",
        ["Live dashboard"] = "实时看板",
        ["All tenants"] = "全部租户",
        ["Choose a tenant"] = "选择租户",
        ["Tenants"] = "租户",
        ["Tenant"] = "租户",
        ["Card holders"] = "持卡人",
        ["Card holder"] = "持卡人",
        ["Merchant terminals"] = "商户终端",
        ["Users"] = "用户",
        ["Alert settings"] = "告警设置",
        ["Name"] = "名称",
        ["Scene"] = "场景",
        ["campus"] = "智慧校园",
        ["hospital"] = "智慧医院",
        ["canteen"] = "智慧食堂",
        ["Status"] = "状态",
        ["active"] = "正常",
        ["suspended"] = "已暂停",
        ["frozen"] = "已冻结",
        ["lost"] = "已挂失",
        ["Created"] = "创建时间",
        ["Tenant id"] = "租户编号",
        ["Time zone"] = "时区",
        ["Create"] = "创建",
        ["New tenant"] = "新建租户",
        ["Suspend"] = "暂停",
        ["Resume"] = "恢复",
        ["Search"] = "搜索",
        ["Name, external id or card last 4"] = "姓名、学号/编号或卡号后4位",
        ["External id"] = "学号 / 编号",
        ["Card number"] = "卡号",
        ["Card"] = "卡号",
        ["Kind"] = "类型",
        ["student"] = "学生",
        ["staff"] = "教职工",
        ["patient"] = "患者",
        ["visitor"] = "访客",
        ["New card holder"] = "新建持卡人",
        ["Card number (optional, generated when empty)"] = "卡号（可选，留空自动生成）",
        ["ID number (optional)"] = "证件号（可选）",
        ["Phone (optional)"] = "手机号（可选）",
        ["Daily limit in yuan (optional)"] = "日消费限额（元，可选）",
        ["Daily limit"] = "日消费限额",
        ["no limit"] = "不限",
        ["ID number"] = "证件号",
        ["Phone"] = "手机号",
        ["Balance"] = "余额",
        ["Cash purse"] = "现金钱包",
        ["Subsidy purse"] = "补贴钱包",
        ["Counter top-up"] = "柜台充值",
        ["Amount in yuan"] = "金额（元）",
        ["Purse"] = "钱包",
        ["cash"] = "现金钱包",
        ["subsidy"] = "补贴钱包",
        ["Top up"] = "充值",
        ["Topped up {0} yuan."] = "已充值 {0} 元。",
        ["Freeze"] = "冻结",
        ["Unfreeze"] = "解冻",
        ["Report lost"] = "挂失",
        ["Replace card"] = "补卡",
        ["New card number"] = "新卡号",
        ["Transactions"] = "交易记录",
        ["Time"] = "时间",
        ["Type"] = "类型",
        ["Amount"] = "金额",
        ["Balance after"] = "交易后余额",
        ["Terminal"] = "终端",
        ["topup"] = "充值",
        ["payment"] = "消费",
        ["refund"] = "退款",
        ["adjustment"] = "调整",
        ["approved"] = "成功",
        ["declined"] = "拒绝",
        ["succeeded"] = "成功",
        ["Export .xlsx"] = "导出 Excel",
        ["New terminal"] = "新建终端",
        ["pos"] = "消费机 (POS)",
        ["kiosk"] = "自助缴费机",
        ["gate"] = "门禁 / 考勤",
        ["Terminal id"] = "终端编号",
        ["Secret"] = "密钥",
        ["Copy this secret into the terminal now: it is shown only once."] = "请立即将此密钥配置到终端：它只显示这一次。",
        ["Last seen"] = "最近在线",
        ["never"] = "从未",
        ["Role"] = "角色",
        ["platform-admin"] = "平台管理员",
        ["tenant-admin"] = "机构管理员",
        ["finance"] = "财务",
        ["cashier"] = "收银员",
        ["auditor"] = "审计员",
        ["Add user"] = "添加用户",
        ["No records"] = "暂无记录",
        ["Rows per page"] = "每页行数",
        ["{first_item}-{last_item} of {all_items}"] = "{first_item}-{last_item}，共 {all_items} 条",
        ["Back"] = "返回",
        ["Details"] = "详情",
        ["Please check the highlighted fields."] = "请检查标出的字段。",
        ["Required."] = "必填。",
        ["Too long."] = "太长了。",
        ["At most {0} characters."] = "最多 {0} 个字符。",
        ["Already in use."] = "已被使用。",
        ["Not a valid choice."] = "请选择有效的值。",
        ["Enter yuan with at most 2 decimals, e.g. 12.50."] = "请输入元，最多两位小数，例如 12.50。",
        ["You may not do this."] = "您无权执行此操作。",
        ["Not found."] = "未找到。",
        ["The tenant is suspended."] = "该机构已暂停。",
        ["This was changed meanwhile; try again."] = "数据已被修改，请重试。",
        ["Payments"] = "支付笔数",
        ["Payments per minute"] = "每分钟支付笔数",
        ["Amount per minute (yuan)"] = "每分钟支付金额（元）",
        ["Approval rate"] = "成功率",
        ["Decline reasons"] = "拒绝原因",
        ["Latency p50 / p99"] = "时延 p50 / p99",
        ["Top terminals"] = "终端排行",
        ["Per scene"] = "按场景",
        ["Last 15 minutes"] = "最近15分钟",
        ["Last 30 minutes"] = "最近30分钟",
        ["Alerts"] = "告警",
        ["No alerts"] = "无告警",
        ["Decline rate {0}% is above {1}%"] = "拒绝率 {0}% 超过阈值 {1}%",
        ["p99 latency {0} ms is above {1} ms"] = "p99 时延 {0} 毫秒超过阈值 {1} 毫秒",
        ["Decline rate alert above (%)"] = "拒绝率告警阈值（%）",
        ["p99 latency alert above (ms)"] = "p99 时延告警阈值（毫秒）",
        ["Minimum payments before alerting"] = "触发告警的最少支付笔数",
        ["Alerts look at the last 5 minutes and clear by themselves when the figures recover."] = "告警统计最近5分钟，指标恢复后自动解除。",
        ["Save"] = "保存",
        ["insufficient_funds"] = "余额不足",
        ["card_frozen"] = "卡已冻结",
        ["card_lost"] = "卡已挂失",
        ["limit_exceeded"] = "超出日消费限额",
        ["risk_rejected"] = "风控拒绝",
        ["terminal_disabled"] = "终端已停用",
        ["not_found"] = "卡不存在",
        ["yuan"] = "元",
        // Online payments (the gateway)
        ["Online payments"] = "在线支付",
        ["Payment"] = "支付单",
        ["Refunded"] = "已退款",
        ["Refundable"] = "可退金额",
        ["Reason"] = "原因",
        ["Refund to the original channel"] = "原路退款",
        ["Refund of {0} yuan sent to the original channel."] = "已向原支付渠道发起退款 {0} 元。",
        ["Close"] = "关闭",
        ["All"] = "全部",
        ["Channel"] = "支付渠道",
        ["Amount (yuan)"] = "金额（元）",
        ["requires_payment"] = "待支付",
        ["processing"] = "处理中",
        ["failed"] = "失败",
        ["canceled"] = "已取消",
        ["pending"] = "退款中",
        ["rejected"] = "已拒绝",
        ["wechat-pay"] = "微信支付",
        ["alipay"] = "支付宝",
        ["unionpay"] = "银联",
        ["e-cny"] = "数字人民币",
        ["Collection overview"] = "收缴情况",
        ["Import roster"] = "导入名册",
        ["Attendance"] = "考勤",
    };
}
