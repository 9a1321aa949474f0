using System.Globalization;
using System.Net;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform;
using SceneFinance.Platform.Security;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;

namespace SceneFinance.Payments.Simulator;

/// <summary>
/// Pages for the demo: the hosted checkout a parent opens (amount, QR code, live status), and the simulated
/// wallet app of each channel where a person approves or declines the payment. Plain server-rendered HTML:
/// they stand for a phone, not for the admin shell.
/// </summary>
public static class SimulatorPages
{
    public static IEndpointRouteBuilder MapSimulatorPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/pay/{tenantId}/{intentId}", async (string tenantId, string intentId, string? secret, IPaymentGateway gateway, ChannelAdapters adapters, IDocumentStore store, SandboxOrders orders) =>
        {
            var view = await gateway.Retrieve(tenantId, intentId);
            string? clientSecret = null;
            if (view is not null)
            {
                await using var session = store.QuerySession(tenantId);
                var events = await session.Events.FetchStreamAsync(intentId);
                clientSecret = events.Select(e => e.Data).OfType<PaymentIntentCreated>().FirstOrDefault()?.ClientSecret;
            }
            // The checkout link is a bearer secret, like a hosted checkout page's: without it, nothing is shown.
            if (view is null || clientSecret is null || secret != clientSecret) return Page("Not found 未找到", "<p>This payment link is not valid.</p>", 404);
            var final = IntentStatus.IsFinal(view.Status) && (view.Status != IntentStatus.Succeeded || view.Fulfilled);
            var body = new StringBuilder();
            body.Append($"<h1>{Yuan(view.Amount)}</h1><p>{E(ChannelName(view.Channel))}</p>");
            body.Append($"<p class=\"status\" data-testid=\"intent-status\" data-status=\"{E(view.Status)}\">{E(StatusText(view))}</p>");
            if (view.Status is IntentStatus.RequiresPayment or IntentStatus.Processing && view.QrCode is { Length: > 0 } qr)
            {
                body.Append($"<div class=\"qr\">{Platform.Qr.Svg(qr)}</div><p>Scan with {E(ChannelName(view.Channel))} 请使用{E(ChannelName(view.Channel))}扫码支付</p>");
                var orderNo = adapters.Get(view.Channel).OrderNo(intentId);
                if (await orders.Find(view.Channel, orderNo) is not null) // a sandbox order: its "wallet app" is the simulator
                    body.Append($"<p><a class=\"button\" data-testid=\"open-wallet\" href=\"/simulator/{E(view.Channel)}/{E(orderNo)}\">Open the simulated wallet app 打开模拟钱包</a></p>");
            }
            return Page("Checkout 支付", body.ToString(), 200, refresh: !final);
        }).AllowAnonymous().ExcludeFromDescription();

        // The simulator stands in for the channels of sandbox tenants only. Its lists show every tenant's orders: platform admins only.
        app.MapGet("/simulator", (HttpContext http, ChannelSimulators sims) =>
        {
            if (http.User.Identity?.IsAuthenticated != true) return Results.Redirect("/login?returnUrl=%2Fsimulator");
            if (!http.User.IsInRole(Roles.PlatformAdmin)) return Page("Not found 未找到", "<p>Not found.</p>", 404);
            var body = new StringBuilder("<p>Simulated payment channels of sandbox tenants. 沙箱租户的模拟支付渠道。</p>");
            var b = sims.Behaviour;
            body.Append(CultureInfo.InvariantCulture, $"<p>Seed {b.Seed}; auto-pay {b.AutoPay}; decline {b.DeclineRate:P0}; answer lost {b.ApiTimeoutRate:P0}; notification lost {b.NotificationLossRate:P0}; duplicated {b.DuplicateRate:P0}; out of order {b.OutOfOrderRate:P0}; delayed {b.DelayedRate:P0}; refund fails {b.RefundFailureRate:P0}.</p>");
            foreach (var sim in sims.All)
            {
                body.Append($"<h2>{E(ChannelName(sim.Channel))}</h2><table><tr><th>Order</th><th>Amount</th><th>State</th><th>Refunds</th></tr>");
                foreach (var o in sim.Orders.OrderByDescending(o => o.CreatedAt).Take(20))
                    body.Append($"<tr><td><a href=\"/simulator/{E(sim.Channel)}/{E(o.OrderNo)}\">{E(o.OrderNo)}</a></td><td>{Yuan(o.Amount)}</td><td>{o.State}</td><td>{o.Refunds.Count}</td></tr>");
                body.Append("</table>");
            }
            return Page("Channel simulator 渠道模拟器", body.ToString());
        }).ExcludeFromDescription();

        app.MapGet("/simulator/{channel}/{orderNo}", async (string channel, string orderNo, HttpContext http, ChannelSimulators sims, SandboxOrders orders, IAntiforgery antiforgery) =>
        {
            if (!PaymentChannels.All.Contains(channel) || sims[channel].Find(orderNo) is not { } order || await orders.Find(channel, orderNo) is not { } owner)
                return Page("Not found 未找到", "<p>No such order.</p>", 404);
            var body = new StringBuilder($"<h1>{Yuan(order.Amount)}</h1>");
            body.Append($"<p class=\"status\" data-testid=\"order-state\">{order.State}</p>");
            if (!SandboxOrders.MayPay(http.User, owner.TenantId))
            {
                // A sandbox "payment" makes test money: only the platform's or the tenant's own signed-in people may press Pay.
                var back = Uri.EscapeDataString($"/simulator/{channel}/{orderNo}");
                body.Append($"<p>Sandbox: sign in to pay with test money. 沙箱：登录后才能用测试资金支付。</p><p><a class=\"button\" data-testid=\"sign-in-to-pay\" href=\"/login?returnUrl={back}\">Sign in 登录</a></p>");
                return Page(ChannelName(channel), body.ToString());
            }
            body.Insert(0, $"<p><small>Sandbox 沙箱</small></p>");
            body.Append($"<p>{E(order.Description)}</p><p>Order {E(order.OrderNo)}</p>");
            if (order.State == SimOrderState.Open)
            {
                var tokens = antiforgery.GetAndStoreTokens(http);
                body.Append($"""
                    <form method="post"><input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken ?? "")}">
                    <button class="button" name="decision" value="approve" data-testid="approve">Pay 确认支付</button>
                    <button class="button secondary" name="decision" value="decline" data-testid="decline">Decline 拒绝</button></form>
                    """);
            }
            return Page(ChannelName(channel), body.ToString());
        }).AllowAnonymous().ExcludeFromDescription();

        // The wallet app's agreement page: the payer signs (or refuses) a withholding agreement, or ends a signed one.
        app.MapGet("/simulator/{channel}/agreements/{agreementNo}", async (string channel, string agreementNo, HttpContext http, ChannelSimulators sims, SandboxOrders orders, IAntiforgery antiforgery) =>
        {
            if (!PaymentChannels.All.Contains(channel) || sims[channel].FindAgreement(agreementNo) is not { } agreement || await orders.FindAgreement(channel, agreementNo) is not { } owner)
                return Page("Not found 未找到", "<p>No such agreement.</p>", 404);
            var body = new StringBuilder("<h1>Password-free debit agreement 免密代扣协议</h1>");
            body.Append($"<p class=\"status\" data-testid=\"agreement-state\">{agreement.State}</p><p>{E(agreement.DisplayAccount)}</p>");
            if (!SandboxOrders.MayPay(http.User, owner.TenantId))
            {
                var back = Uri.EscapeDataString($"/simulator/{channel}/agreements/{agreementNo}");
                body.Append($"<p><a class=\"button\" data-testid=\"sign-in-to-pay\" href=\"/login?returnUrl={back}\">Sign in 登录</a></p>");
                return Page(ChannelName(channel), body.ToString());
            }
            var tokens = antiforgery.GetAndStoreTokens(http);
            var form = $"<form method=\"post\"><input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken ?? "")}\">";
            if (agreement.State == SimAgreementState.Pending)
                body.Append(form + "<button class=\"button\" name=\"decision\" value=\"sign\" data-testid=\"sign\">Sign 确认签约</button>"
                    + "<button class=\"button secondary\" name=\"decision\" value=\"refuse\" data-testid=\"refuse\">Refuse 拒绝</button></form>");
            else if (agreement.State == SimAgreementState.Signed)
                body.Append(form + "<button class=\"button secondary\" name=\"decision\" value=\"terminate\" data-testid=\"terminate\">End the agreement 解约</button></form>");
            return Page(ChannelName(channel), body.ToString());
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/simulator/{channel}/agreements/{agreementNo}", async (string channel, string agreementNo, HttpContext http, ChannelSimulators sims, SandboxOrders orders, IAntiforgery antiforgery) =>
        {
            if (http.User.Identity?.IsAuthenticated != true) return Results.Unauthorized();
            if (!PaymentChannels.All.Contains(channel) || sims[channel].FindAgreement(agreementNo) is null || await orders.FindAgreement(channel, agreementNo) is not { } owner
                || !SandboxOrders.MayPay(http.User, owner.TenantId))
                return Results.NotFound();
            if (!http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && !await antiforgery.IsRequestValidAsync(http))
                return Results.BadRequest();
            var decision = (await http.Request.ReadFormAsync())["decision"].ToString();
            if (decision == "terminate") sims[channel].TerminateAgreement(agreementNo, "payer");
            else sims[channel].PayerSigns(agreementNo, decision == "sign");
            return Results.Redirect($"/simulator/{channel}/agreements/{Uri.EscapeDataString(agreementNo)}");
        }).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();

        // Antiforgery is checked here, not by the middleware: a bearer token (a script, a test) carries no ambient credential to forge.
        app.MapPost("/simulator/{channel}/{orderNo}", async (string channel, string orderNo, HttpContext http, ChannelSimulators sims, SandboxOrders orders, IAntiforgery antiforgery) =>
        {
            if (http.User.Identity?.IsAuthenticated != true) return Results.Unauthorized();
            if (!PaymentChannels.All.Contains(channel) || sims[channel].Find(orderNo) is null || await orders.Find(channel, orderNo) is not { } owner
                || !SandboxOrders.MayPay(http.User, owner.TenantId))
                return Results.NotFound();
            if (!http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && !await antiforgery.IsRequestValidAsync(http))
                return Results.BadRequest();
            var form = await http.Request.ReadFormAsync();
            sims[channel].PayerDecides(orderNo, form["decision"] == "approve");
            return Results.Redirect($"/simulator/{channel}/{Uri.EscapeDataString(orderNo)}");
        }).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();

        return app;
    }

    static string StatusText(PaymentIntentView v) => v.Status switch
    {
        IntentStatus.RequiresPayment => "Waiting for payment 等待支付",
        IntentStatus.Processing => "Processing 处理中",
        IntentStatus.Succeeded when !v.Fulfilled => "Paid, crediting 已支付，入账中",
        IntentStatus.Succeeded => "Paid and credited 支付成功，已入账",
        IntentStatus.Failed => $"Failed 支付失败 ({v.FailureCode})",
        _ => "Canceled 已取消",
    };

    public static string ChannelName(string channel) => channel switch
    {
        PaymentChannels.WeChatPay => "WeChat Pay 微信支付",
        PaymentChannels.Alipay => "Alipay 支付宝",
        PaymentChannels.UnionPay => "UnionPay 银联",
        PaymentChannels.ECny => "e-CNY 数字人民币",
        _ => channel,
    };

    static string Yuan(long fen) => Money.WithSign(fen);

    static string E(string s) => WebUtility.HtmlEncode(s);

    static IResult Page(string title, string body, int status = 200, bool refresh = false) => Results.Content($"""
        <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        {(refresh ? "<meta http-equiv=\"refresh\" content=\"2\">" : "")}<title>{E(title)}</title>
        <style>body{"{"}font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;text-align:center{"}"}
        h1{"{"}font-size:2.5rem{"}"}.status{"{"}font-size:1.3rem;font-weight:600{"}"}.qr svg{"{"}width:220px;height:220px{"}"}
        .button{"{"}display:inline-block;padding:.9rem 1.6rem;margin:.4rem;font-size:1.1rem;border:0;border-radius:.5rem;background:#07c160;color:#fff;text-decoration:none{"}"}
        .secondary{"{"}background:#888{"}"}table{"{"}width:100%;border-collapse:collapse{"}"}td,th{"{"}border-bottom:1px solid #ddd;padding:.3rem{"}"}</style>
        </head><body><p><small>{E(title)}</small></p>{body}</body></html>
        """, "text/html; charset=utf-8", Encoding.UTF8, status);
}
