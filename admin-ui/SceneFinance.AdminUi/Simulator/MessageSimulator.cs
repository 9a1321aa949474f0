using System.Net;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Notifying;

namespace SceneFinance.AdminUi.Simulator;

/// <summary>
/// The sandbox's outbox, like the payment channel simulator: what each phone or openid received through the simulated SMS, WeChat
/// template and in-app channels, newest first (<c>/simulator/messages?to=…</c> for one recipient). Plain HTML: it stands for a phone.
/// </summary>
public static class MessageSimulator
{
    public static IEndpointRouteBuilder MapMessageSimulator(this IEndpointRouteBuilder app)
    {
        app.MapGet("/simulator/messages", async (string? to, IDocumentStore store) =>
        {
            await using var session = store.QuerySession();
            var query = session.Query<ReceivedMessage>().AsQueryable();
            if (!string.IsNullOrWhiteSpace(to)) query = query.Where(m => m.To == to.Trim());
            var messages = await query.OrderByDescending(m => m.ReceivedAt).Take(200).ToListAsync();
            var body = new StringBuilder("<h1>Messages received 模拟短信/微信/站内信</h1>");
            body.Append($"""<form method="get"><input name="to" value="{E(to)}" placeholder="phone / openid 手机号"><button>Show 查看</button></form>""");
            body.Append("<table><tr><th>To 接收方</th><th>Channel 渠道</th><th>Template 模板</th><th>Text 内容</th><th>Received 时间 (UTC)</th></tr>");
            foreach (var m in messages)
                body.Append($"""<tr data-testid="message"><td>{E(m.To)}</td><td>{E(m.Channel)}</td><td>{E(m.Template)}</td><td data-testid="message-text">{E(m.Text)}</td><td>{m.ReceivedAt:yyyy-MM-dd HH:mm:ss}</td></tr>""");
            body.Append("</table>");
            return Results.Content($$"""
                <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Message simulator</title>
                <style>body{font-family:sans-serif;margin:1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}</style>
                </head><body>{{body}}</body></html>
                """, "text/html; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription(); // the sandbox phone (see README: to be limited to sandbox tenants' phones)
        return app;
    }

    static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
}
