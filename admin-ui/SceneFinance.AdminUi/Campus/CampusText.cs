using SceneFinance.AdminUi.Shell;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Scenes.Campus.Reporting;

namespace SceneFinance.AdminUi.Campus;

/// <summary>
/// The campus codes (a bill's status, a payment's method) in the reader's words: the pages, the parent portal and the downloads
/// say them alike. The words themselves are in <c>Shell/Text.Campus.cs</c>.
/// </summary>
public static class CampusText
{
    public static string Status(this Text t, string status) => t[status switch
    {
        BillStatus.Issued or "due" => "Due",
        BillStatus.PartiallyPaid => "Partly paid",
        BillStatus.Paid => "Paid in full",
        BillStatus.Overdue => "Past due",
        BillStatus.Cancelled => "Cancelled",
        BillStatus.Refunded => "Refunded",
        _ => status,
    }];

    public static string Method(this Text t, string method, string? channel = null, string? provider = null) => method switch
    {
        "online" => channel is null ? t["Online"] : t.Channel(channel),
        "counter" => t["Counter"],
        "loan" => $"{t["Student loan"]} ({provider})",
        "subsidy" => $"{t["Financial aid"]} ({provider})",
        "refund" => t["Refund"],
        "counter-refund" => t["Cash refund"],
        _ => method,
    };

    public static string WaiverKind(this Text t, string kind) => t[kind switch
    {
        "waiver" => "Waiver",
        "scholarship" => "Scholarship",
        "hardship" => "Hardship grant",
        _ => kind,
    }];

    public static string WaiverStatus(this Text t, string status) => t[status switch
    {
        "pending" => "Waiting for approval",
        "approved" => "Approved",
        "rejected" => "Request rejected",
        _ => status,
    }];

    /// <summary>A payment channel by the name its payers know (WeChat Pay, 支付宝...).</summary>
    public static string Channel(this Text t, string channel) => t[channel switch
    {
        "wechat-pay" => "WeChat Pay",
        "alipay" => "Alipay",
        "unionpay" => "UnionPay",
        "e-cny" => "e-CNY",
        _ => channel,
    }];

    /// <summary>A download's words: headers and codes in the reader's language.</summary>
    public static SheetWords Sheet(this Text t) => new(h => t[h], (kind, raw) => kind switch
    {
        "present" => t[raw == "yes" ? "Yes" : "No"],
        "total" => t["Total"],
        "subtotal" => t["Subtotal"],
        "status" => t.Status(raw),
        "method" => t.Method(raw),
        "channel" => t.Channel(raw),
        "waiver-kind" => t.WaiverKind(raw),
        "waiver-status" => t.WaiverStatus(raw),
        "leaver-refund-to" => t[raw == "cash" ? "Cash at the counter" : "To the channel"],
        "approval-status" => t[raw switch
        {
            "pending" => "Awaiting approval",
            "approved" => "Approved, carrying out",
            "rejected" => "Rejected",
            "done" => "Approved and carried out",
            _ => "Lapsed",
        }],
        _ => raw,
    });
}
