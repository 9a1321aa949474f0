using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SceneFinance.BackOffice.DayEnd;
using SceneFinance.BackOffice.Ledger;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Settling;

/// <summary>The close's boundary: taps in flight at the cut land in exactly one day; the scheduled close; payouts returned and paid.</summary>
[Collection(SharedBackOfficeApp.Name)]
public sealed class DayEndSpecs(BackOfficeApp app)
{
    [Fact]
    public async Task Taps_committing_across_the_cut_each_land_in_exactly_one_day_and_a_closed_day_never_changes()
    {
        var s = await Scenario.Start(app);
        var holders = new List<string>();
        for (var i = 0; i < 4; i++) holders.Add((await s.CardHolder(cash: 1_000_000)).CardNumber);
        var till = await s.Terminal();
        var approved = new ConcurrentBag<long>();
        using var stop = new CancellationTokenSource();
        var tills = Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var amount = 1 + (t * 13 + n) % 90;
                var answer = await s.Api.Pay(till, holders[(t + n) % holders.Count], amount);
                if (answer.Status == HttpStatusCode.OK && answer.S("status") == "approved") approved.Add(amount);
            }
        })).ToArray();
        while (approved.Count < 100) await Task.Delay(20);

        var day1 = await s.Close();                 // while the tills keep tapping
        while (approved.Count < 200) await Task.Delay(20);
        stop.Cancel();
        await Task.WhenAll(tills);
        var day2 = await s.Close();

        long Taken(System.Text.Json.Nodes.JsonNode report) =>
            -report["accounts"]!.AsArray().Where(a => a.S("account") == $"merchant-receivable:{till.MerchantId}").Sum(a => a.L("closing") - a.L("opening"));
        var r1 = await s.DayReport(day1.S("day"));
        var r2 = await s.DayReport(day2.S("day"));
        Assert.True(Taken(r1) > 0 && Taken(r2) > 0, "taps on both sides of the cut");
        Assert.Equal(approved.Sum(), Taken(r1) + Taken(r2)); // every approved tap in exactly one day
        Assert.Equal(day1.L("moneyEvents") + day2.L("moneyEvents"), r1.L("moneyEvents") + r2.L("moneyEvents"));

        // Read again now, the first day's window holds exactly what its snapshot says.
        var ledger = app.Services.GetRequiredService<LedgerWindow>();
        var reread = await ledger.Movements(s.TenantId, DateTimeOffset.Parse(day1.S("from")), DateTimeOffset.Parse(day1.S("cut")));
        Assert.Equal(r1["accounts"]!.AsArray().Where(a => a.L("debit") != 0 || a.L("credit") != 0).Select(a => (a.S("account"), a.L("debit"), a.L("credit"))),
            reread.Select(m => (m.Account, m.Debit, m.Credit)));
    }

    [Fact]
    public async Task The_close_waits_for_a_transaction_begun_before_its_cut_and_goes_on_once_it_ends()
    {
        var ledger = app.Services.GetRequiredService<LedgerWindow>();
        await using var writer = app.Services.GetRequiredService<IDocumentStore>().Storage.Database.CreateConnection();
        await writer.OpenAsync();
        await using var open = await writer.BeginTransactionAsync();
        await using (var started = new NpgsqlCommand("select 1", writer, open)) await started.ExecuteScalarAsync();
        var cut = await ledger.DatabaseNow();

        var waiting = ledger.WaitOut(cut, TimeSpan.FromSeconds(20));
        await Task.Delay(500);
        Assert.False(waiting.IsCompleted, "a transaction that began before the cut is still open");
        await open.CommitAsync();
        Assert.True(await waiting, $"the close saw the transaction end; it gave up on: {ledger.Blockers}");
    }

    [Fact]
    public async Task The_scheduled_close_cuts_at_the_cut_off_so_a_later_tap_is_the_next_day_s_and_it_settles_and_reconciles_what_is_due()
    {
        var s = await Scenario.Start(app);
        var (_, card) = await s.CardHolder(cash: 10_000);
        var till = await s.Terminal();
        await s.Account(till.MerchantId, "6222020000009999");
        (await s.Api.Pay(till, card, 1_234)).Expect(HttpStatusCode.OK);
        // The cut-off moves to a minute ago (local time): the open day is due, and its cut is that minute, not now.
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddMinutes(-1), Scenario.Zone);
        if (local.Hour == 23 && local.Minute == 59) return; // a test at local midnight would close tomorrow's day instead
        var cutOff = $"{local:HH:mm}";
        (await s.Api.Send(HttpMethod.Put, $"{s.Base}/day-end/settings", new { cutOff, reconciliationLagDays = 0 }, s.AdminToken)).Expect(HttpStatusCode.OK);
        (await s.Api.Send(HttpMethod.Put, $"{s.Base}/day-end/settings", new { cutOff = "7:5" }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");

        await ActivatorUtilities.CreateInstance<DayEndJob>(app.Services).Tenant(s.TenantId);
        var status = await s.DayEnd();
        var closed = status["days"]![0]!;
        Assert.False(closed["byHand"]!.GetValue<bool>());
        Assert.Equal(cutOff, TimeZoneInfo.ConvertTime(DateTimeOffset.Parse(closed.S("cut")), Scenario.Zone).ToString("HH:mm"));
        Assert.True(closed["settled"]!.GetValue<bool>() && closed["reconciled"]!.GetValue<bool>());
        // The tap came after the cut-off: it belongs to the next business day, not the one closed now.
        Assert.Empty(await s.Payouts());
        var report = await s.DayReport(closed.S("day"));
        Assert.DoesNotContain(report["accounts"]!.AsArray(), a => a.S("account") == $"merchant-receivable:{till.MerchantId}" && a.L("credit") != 0);
        Assert.Equal(closed.S("cut"), status.S("openFrom"));
    }

    [Fact]
    public async Task A_returned_payout_is_paid_with_the_next_run_and_only_the_payout_file_shows_the_whole_number()
    {
        var s = await Scenario.Start(app);
        var (_, card) = await s.CardHolder(cash: 10_000);
        var till = await s.Terminal();
        await s.Account(till.MerchantId, "6222 0200 1234 5678");
        (await s.Api.Pay(till, card, 2_000)).Expect(HttpStatusCode.OK);
        var d1 = (await s.Close()).S("day");
        await s.Settle(d1);
        var payout = Assert.Single(await s.Payouts());
        Assert.Equal("****5678", payout.S("accountNumber"));
        var parties = (await s.Api.Get($"{s.Base}/settlement/parties", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain("62220200", parties.Raw);

        var csv = await s.Api.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{s.Base}/settlement/runs/{d1}/payouts.csv")
            { Headers = { Authorization = new("Bearer", s.AdminToken) } });
        var text = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync());
        Assert.Contains("6222020012345678", text);
        Assert.Contains("TOTAL,1 payouts,,,,20.00,CNY,", text);
        var finance = await s.UserToken("finance");
        (await s.Api.Get($"{s.Base}/settlement/runs/{d1}/payouts.csv", finance)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var stranger = await (await Scenario.Start(app)).UserToken("finance");
        (await s.Api.Get($"{s.Base}/settlement/statements", stranger)).ExpectProblem(HttpStatusCode.NotFound, "not_found");

        var returned = $"{s.Base}/settlement/payouts/{payout.S("payoutId")}/returned";
        (await s.Api.Post(returned, new { reason = "账号不存在 no such account" }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "idempotency_key_required");
        Assert.Equal("returned", (await s.Api.Post(returned, new { reason = "账号不存在 no such account" }, s.AdminToken, "ret-1")).Expect(HttpStatusCode.OK).S("status"));
        (await s.Api.Post($"{s.Base}/settlement/payouts/{payout.S("payoutId")}/paid", new { }, s.AdminToken, "paid-1")).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        await s.Account(till.MerchantId, "6222020087654321");

        var d2 = (await s.Close()).S("day");
        var run = await s.Settle(d2);
        Assert.Equal(2_000, run.L("payouts"));
        var again = (await s.Payouts()).Single(p => p.S("day") == d2);
        Assert.Equal("****4321", again.S("accountNumber"));
        Assert.Equal("paid", (await s.Api.Post($"{s.Base}/settlement/payouts/{again.S("payoutId")}/paid", new { bankReference = "B20260901" }, s.AdminToken, "paid-2"))
            .Expect(HttpStatusCode.OK).S("status"));
        var tb = await s.TrialBalance();
        Assert.Equal((0L, 0L, -2_000L), (tb.Account("payout-clearing"), tb.Account($"settlement-payable:{till.MerchantId}"), tb.Account("settlement-bank")));
    }
}
