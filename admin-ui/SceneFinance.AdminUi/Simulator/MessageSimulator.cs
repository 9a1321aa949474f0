using System.Net;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Notifying;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Time;

namespace SceneFinance.AdminUi.Simulator;

/// <summary>
/// The sandbox's outbox, like the payment channel simulator: what each phone or openid received through the simulated SMS, WeChat
/// template and in-app channels, newest first (<c>/simulator/messages?to=…</c> for one recipient). Plain HTML: it stands for a phone.
/// Sandbox tenants' messages only; the whole list for platform admins, one exact recipient for anyone else.
/// </summary>
public static class MessageSimulator
{
    public static IEndpointRouteBuilder MapMessageSimulator(this IEndpointRouteBuilder app)
    {
        app.MapGet("/simulator/messages", async (string? to, HttpContext http, IDocumentStore store, ITenantDirectory tenants) =>
        {
            // Like a payment provider's test mode: the full list is the platform admin's; anyone else (the tester holding the phone,
            // a test) reads one recipient's messages by its exact number. Either way only sandbox tenants' messages are shown (the
            // simulated channels keep no live tenant's, and a tenant that went live since is left out here too).
            var admin = http.User.Identity?.IsAuthenticated == true && http.User.IsInRole(Roles.PlatformAdmin);
            to = string.IsNullOrWhiteSpace(to) ? null : to.Trim();
            if (!admin && to is null)
                return Page(Form(null) + "<p>Enter a phone number or openid. 请输入手机号或 openid（完整列表仅限平台管理员）。</p>", StatusCodes.Status403Forbidden);
            await using var session = store.QuerySession();
            var query = session.Query<ReceivedMessage>().AsQueryable();
            if (to is not null) query = query.Where(m => m.To == to);
            var received = await query.OrderByDescending(m => m.ReceivedAt).Take(200).ToListAsync();
            var sandbox = new Dictionary<string, bool>();
            var messages = new List<ReceivedMessage>();
            foreach (var m in received)
            {
                if (m.TenantId is not { } tenantId) continue;
                if (!sandbox.TryGetValue(tenantId, out var shown)) sandbox[tenantId] = shown = await SimulatedChannel.IsSandbox(tenants, tenantId);
                if (shown) messages.Add(m);
            }
            var body = new StringBuilder(Form(to));
            body.Append("<table><tr><th>To 接收方</th><th>Channel 渠道</th><th>Template 模板</th><th>Text 内容</th><th>Received 时间 (UTC)</th></tr>");
            foreach (var m in messages)
                body.Append($"""<tr data-testid="message"><td>{E(m.To)}</td><td>{E(m.Channel)}</td><td>{E(m.Template)}</td><td data-testid="message-text">{E(m.Text)}</td><td>{m.ReceivedAt:yyyy-MM-dd HH:mm:ss}</td></tr>""");
            body.Append("</table>");
            return Page(body.ToString());
        }).AllowAnonymous().ExcludeFromDescription(); // checks its reader itself (above)
        return app;
    }

    static string Form(string? to) =>
        $"""<h1>Messages received 模拟短信/微信/站内信</h1><p><small>Sandbox 沙箱</small></p><form method="get"><input name="to" value="{E(to)}" placeholder="phone / openid 手机号"><button>Show 查看</button></form>""";

    static IResult Page(string body, int status = StatusCodes.Status200OK) => Results.Content($$"""
        <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Message simulator</title>
        <style>body{font-family:sans-serif;margin:1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}</style>
        </head><body>{{body}}</body></html>
        """, "text/html; charset=utf-8", statusCode: status);

    static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
}
