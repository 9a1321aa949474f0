using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using SceneFinance.Platform.Security;
using SceneFinance.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SceneFinance.Tests.Campus;

/// <summary>A school at the start of term: a 5,000-row roster, a grade of 3,000 billed at once and paid every way there is.</summary>
[Collection(CampusScaleApp.Name)]
public sealed class CampusScaleTests(CampusApp app, ITestOutputHelper output)
{
    const int Grade1 = 3000, Grade2 = 2000;

    [Fact]
    public async Task A_grade_of_3000_is_billed_and_paid_in_parts_installments_waivers_loans_and_concurrent_payments_and_every_fen_adds_up()
    {
        var s = await Scenario.Start(app, "campus");
        // Every 10th student is the younger sibling of the one before (same mother): 300 sibling discounts in grade 1.
        string Mum(int i) => "139" + (10_000_000 + (i % 10 == 9 ? i - 1 : i)).ToString();
        var csv = new StringBuilder(Roster.Header + "\n");
        for (var i = 0; i < Grade1 + Grade2; i++)
            csv.Append(Roster.Row((i + 1).ToString("D8"), $"学生{i}", i < Grade1 ? "一年级" : "二年级", $"{i % 20 + 1}班", $"家长{i}", Mum(i),
                "mother", i % 3 == 0 ? $"父亲{i}" : "", i % 3 == 0 ? "138" + (10_000_000 + i) : "", i % 3 == 0 ? "father" : "")).Append('\n');
        var clock = Stopwatch.StartNew();
        var import = await s.ImportCsv(csv.ToString());
        var imported = clock.Elapsed;
        Assert.Equal((Grade1 + Grade2, 0L), (import.Long("created"), import.Long("rejected")));
        Assert.True(imported < TimeSpan.FromMinutes(1), $"importing 5,000 rows took {imported}");

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var plan = await s.Plan("一年级", [450_000, 38_050, 120_000], [(today.AddDays(7).ToString("yyyy-MM-dd"), 5000), (today.AddDays(60).ToString("yyyy-MM-dd"), 5000)],
            siblingBp: 500);
        clock.Restart();
        var generated = await s.Generate(plan);
        var billing = clock.Elapsed;
        Assert.Equal((Grade1, 300L), (generated.Long("issued"), generated.Long("withSiblingDiscount")));
        var bills = (await s.Bills($"&planId={plan}")).Select(b => (Id: b!.Str("id"), Student: b.Str("studentNumber"), Amount: b.Long("amount"))).OrderBy(b => b.Student).ToList();
        Assert.Equal(Grade1, bills.Count);
        var billed = bills.Sum(b => b.Amount);
        Assert.Equal(generated.Long("totalAmount"), billed);

        var finance = await s.UserToken(Roles.Finance);
        var approver = await s.UserToken(Roles.Finance);
        var cashier = await s.UserToken(Roles.Cashier);
        var refused = new ConcurrentBag<string>();
        async Task Pay(string bill, long amount, string method = "counter", string? provider = null, string? token = null)
        {
            if (method != "counter") // a loan or subsidy: asked for by finance, approved by a second person
            {
                var asked = await s.AskFundedPayment(bill, amount, method, provider!, token ?? finance);
                if (asked.Status != HttpStatusCode.Created) { refused.Add(asked.Raw); return; }
                var decided = await s.Api.Post($"{s.Base}/approvals/{asked["id"].GetValue<string>()}/approve", null, approver);
                if (decided.Status != HttpStatusCode.OK) refused.Add(decided.Raw);
                return;
            }
            var answer = await s.PayAtCounter(bill, amount, method, provider, token: token ?? cashier);
            if (answer.Status != HttpStatusCode.OK) refused.Add(answer.Raw);
        }

        clock.Restart();
        var plain = bills.Where((_, i) => i % 100 >= 2).ToList();
        await Parallel.ForEachAsync(plain.Select((b, i) => (b, i)), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (x, _) =>
        {
            var (b, i) = x;
            var half = b.Amount / 2;
            switch (i % 6)
            {
                case 0: await Pay(b.Id, b.Amount); break;                                       // in full at the counter
                case 1: await Pay(b.Id, half); await Pay(b.Id, b.Amount - half, "loan", "国家助学贷款"); break; // first installment, then a student loan
                case 2:                                                                          // a scholarship (two people), then the rest
                    var waiver = (await s.Api.Post($"{s.Base}/campus/bills/{b.Id}/waivers", new { kind = "scholarship", amount = b.Amount / 5, reason = "奖学金" }, finance))
                        .Expect(HttpStatusCode.Created)["id"].GetValue<string>();
                    (await s.Api.Post($"{s.Base}/campus/waivers/{waiver}/approve", null, approver)).Expect(HttpStatusCode.OK);
                    await Pay(b.Id, b.Amount - b.Amount / 5);
                    break;
                case 3: await Pay(b.Id, half); break;                                           // the first installment only
                case 4: break;                                                                   // nothing yet
                case 5: await Pay(b.Id, 100_000, "subsidy", "县教育局资助"); await Pay(b.Id, 50_000); break; // a subsidy and a part
            }
        });
        // Two cashiers taking the full amount for the same bill at the same moment: one of them is refused.
        var doubled = bills.Where((_, i) => i % 100 == 0).ToList();
        var doubledAnswers = await Task.WhenAll(doubled.Select(b => Task.WhenAll(s.PayAtCounter(b.Id, b.Amount, token: cashier), s.PayAtCounter(b.Id, b.Amount, token: cashier))));
        Assert.All(doubledAnswers, pair => Assert.Single(pair, a => a.Status == HttpStatusCode.OK));
        var paying = clock.Elapsed;

        // Two guardians paying the same bill online at the same moment (mother and father, or one parent on two phones): both checkouts
        // are open, both are approved in the wallet apps at once; each bill is collected once and the rest goes back.
        clock.Restart();
        var online = bills.Where((_, i) => i % 100 == 1).ToList();
        var intents = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(online, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (b, _) =>
        {
            var number = int.Parse(b.Student) - 1;
            var mother = await s.Guardian(Mum(number));
            var other = number % 3 == 0 ? await s.Guardian("138" + (10_000_000 + number)) : mother;
            var pair = await Task.WhenAll(s.PayOnline(b.Id, b.Amount, mother, "wechat-pay"), s.PayOnline(b.Id, b.Amount, other, "unionpay"));
            var ids = pair.Select(a => a.Expect(HttpStatusCode.Created)["id"].GetValue<string>()).ToList();
            await Task.WhenAll(Task.Run(() => app.Simulators["wechat-pay"].PayerDecides(app.OrderNo("wechat-pay", ids[0]), approve: true)),
                Task.Run(() => app.Simulators["unionpay"].PayerDecides(app.OrderNo("unionpay", ids[1]), approve: true)));
            foreach (var id in ids) intents.Add(id);
        });
        foreach (var intent in intents) await s.IntentUntil(intent, Gateway.Settled, 60);
        var until = DateTime.UtcNow.AddSeconds(60);
        while ((await Task.WhenAll(intents.Select(i => s.Intent(i)))).Sum(v => v["refundedAmount"]!.GetValue<long>()) < online.Sum(b => b.Amount))
        {
            Assert.True(DateTime.UtcNow < until, "the excess of the doubled online payments was not refunded in 60 s");
            await Task.Delay(500);
        }
        var onlineTime = clock.Elapsed;

        // Every fen adds up: per bill, and against the journal, the reports and the ledger.
        var listings = await s.Bills($"&planId={plan}");
        long paid = 0, waived = 0, outstanding = 0, external = 0, onlinePaid = 0;
        foreach (var b in listings)
        {
            Assert.Equal(b!.Long("amount"), b.Long("paid") + b.Long("waived") + b.Long("outstanding"));
            Assert.Equal(0, b.Long("heldForRefund"));
            (paid, waived, outstanding, external, onlinePaid) = (paid + b.Long("paid"), waived + b.Long("waived"), outstanding + b.Long("outstanding"),
                external + b.Long("paidExternally"), onlinePaid + b.Long("paidOnline"));
        }
        Assert.Equal(billed, paid + waived + outstanding);
        Assert.Equal(online.Sum(b => b.Amount), onlinePaid);
        var settledBills = listings.Where(b => b!.Str("status") == "paid").ToList();
        Assert.Equal(settledBills.Sum(b => b!.Long("amount")), settledBills.Sum(b => b!.Long("paidAtCounter") + b.Long("paidOnline") + b.Long("paidExternally") + b.Long("waived")));
        var journal = (await s.Api.Get($"{s.Base}/campus/reports/collections", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(paid, journal["total"].GetValue<long>());
        var total = (await s.Api.Get($"{s.Base}/campus/reports/collection?planId={plan}", s.AdminToken)).Expect(HttpStatusCode.OK)["total"];
        Assert.Equal((billed, paid, waived, outstanding), (total.Long("billed"), total.Long("collected"), total.Long("waived"), total.Long("outstanding")));
        var tb = await s.TrialBalance();
        var accounts = tb["accounts"]!.AsArray();
        Assert.Equal(outstanding, accounts.Where(a => a!.Str("account").StartsWith("campus-receivable:")).Sum(a => a!.Long("balance")));
        Assert.Equal(0, accounts.Where(a => a!.Str("account").StartsWith("campus-overpaid:")).Sum(a => a!.Long("balance")));
        Assert.Equal(-billed, tb.Account($"campus-fee-income:{plan}"));
        Assert.Equal(external, tb.Account("campus-loan-receivable:国家助学贷款") + tb.Account("campus-subsidy-receivable:县教育局资助"));
        Assert.Empty(refused);

        var counts = listings.GroupBy(b => b!.Str("status")).ToDictionary(g => g.Key, g => g.Count());
        var figures = $"Imported 5,000 roster rows in {imported.TotalSeconds:0.0} s; issued {Grade1} bills in {billing.TotalSeconds:0.0} s " +
            $"({Grade1 / billing.TotalSeconds:0} bills/s); {plain.Count} bills paid at the counter, by loans, subsidies and after scholarships " +
            $"(+{doubled.Count} paid twice at once) in {paying.TotalSeconds:0.0} s; {online.Count} bills paid online by two guardians at once, " +
            $"settled and the excess refunded in {onlineTime.TotalSeconds:0.0} s. " +
            $"Billed {billed} fen = paid {paid} (of which online {onlinePaid}, loans and subsidies {external}) + waived {waived} + outstanding {outstanding}; " +
            $"statuses {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}.";
        output.WriteLine(figures);
        Console.WriteLine("[campus scale] " + figures);
    }
}
