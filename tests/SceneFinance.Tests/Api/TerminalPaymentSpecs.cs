using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Api;

[Collection(SharedApp.Name)]
public sealed class TerminalPaymentSpecs(SceneApp app)
{
    [Fact]
    public async Task Approved_payment_spends_subsidy_first_and_shows_balance_after()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000, subsidy: 300);
        var terminal = await s.Terminal();
        var paid = (await s.Api.Pay(terminal, card, 500, "p-1")).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", paid["status"].GetValue<string>());
        Assert.Equal(500, paid["amount"].GetValue<long>());
        Assert.Equal(800, paid["balanceAfter"].GetValue<long>());
        Assert.StartsWith("pay_", paid["paymentId"].GetValue<string>());
        Assert.Null(paid.Body!["declineCode"]);
        var after = (await s.Api.Get($"{s.Base}/cardholders/{holder}", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal((800L, 0L), (after["balance"]["cash"]!.GetValue<long>(), after["balance"]["subsidy"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Same_key_replays_and_a_different_body_conflicts()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000);
        var terminal = await s.Terminal();
        var first = (await s.Api.Pay(terminal, card, 400, "k-1")).Expect(HttpStatusCode.OK);
        var again = (await s.Api.Pay(terminal, card, 400, "k-1")).Expect(HttpStatusCode.OK);
        Assert.Equal(first.Raw, again.Raw);
        (await s.Api.Pay(terminal, card, 401, "k-1")).ExpectProblem(HttpStatusCode.Conflict, "idempotency_conflict");
        Assert.Equal(600, await s.Balance(holder));

        // A declined answer is kept as well: topping up later does not turn the retry into an approval.
        var declined = (await s.Api.Pay(terminal, card, 900, "k-2")).Expect(HttpStatusCode.OK);
        Assert.Equal("insufficient_funds", declined["declineCode"].GetValue<string>());
        await s.TopUp(holder, 1000);
        Assert.Equal(declined.Raw, (await s.Api.Pay(terminal, card, 900, "k-2")).Expect(HttpStatusCode.OK).Raw);
        Assert.Equal(1600, await s.Balance(holder));
    }

    [Fact]
    public async Task The_same_key_from_two_terminals_is_two_payments()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000);
        var (t1, t2) = (await s.Terminal(), await s.Terminal());
        (await s.Api.Pay(t1, card, 100, "shared")).Expect(HttpStatusCode.OK);
        (await s.Api.Pay(t2, card, 100, "shared")).Expect(HttpStatusCode.OK);
        Assert.Equal(800, await s.Balance(holder));
    }

    [Fact]
    public async Task Missing_key_and_bad_bodies_are_rejected_and_move_nothing()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000);
        var terminal = await s.Terminal();
        (await s.Api.Signed(terminal, "/api/v1/terminal/payments", JsonSerializer.Serialize(new { cardNumber = card, amount = 100 }), null))
            .ExpectProblem(HttpStatusCode.BadRequest, "idempotency_key_required");
        foreach (var body in new[] { "{\"cardNumber\":\"" + card + "\",\"amount\":0}", "{\"cardNumber\":\"" + card + "\",\"amount\":1.5}",
                     "{\"cardNumber\":\"" + card + "\",\"amount\":\"100\"}", "{\"amount\":100}", "[1,2]", "not json",
                     "{\"cardNumber\":\"" + card + "\",\"amount\":100000001}",
                     "{\"cardNumber\":\"" + card + "\",\"amount\":100,\"occurredAt\":\"" + DateTimeOffset.UtcNow.AddHours(2).ToString("O") + "\"}" })
            (await s.Api.Signed(terminal, "/api/v1/terminal/payments", body, Guid.NewGuid().ToString())).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(1000, await s.Balance(holder));
    }

    [Fact]
    public async Task Signatures_that_are_tampered_stale_wrong_or_unknown_are_401()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000);
        var terminal = await s.Terminal();
        var body = JsonSerializer.Serialize(new { cardNumber = card, amount = 100 });
        const string path = "/api/v1/terminal/payments";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        (await s.Api.Signed(terminal, path, body, "s1", tamperBody: b => b.Replace("100", "1"))).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        (await s.Api.Signed(terminal, path, body, "s2", timestamp: now - 301)).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        (await s.Api.Signed(terminal, path, body, "s3", timestamp: now + 301)).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        (await s.Api.Signed(terminal, path, body, "s4", secret: new string('0', 64))).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        (await s.Api.Signed(terminal with { Id = "trm_unknown" }, path, body, "s5")).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        (await s.Api.Post(path, new { cardNumber = card, amount = 100 }, s.AdminToken, "s6")).ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        Assert.Equal(1000, await s.Balance(holder));

        // Within the window is fine, either side.
        (await s.Api.Signed(terminal, path, body, "s7", timestamp: now - 290)).Expect(HttpStatusCode.OK);
        Assert.Equal(900, await s.Balance(holder));
    }

    [Fact]
    public async Task A_signature_only_counts_for_the_path_timestamp_and_body_it_was_made_for()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000);
        var terminal = await s.Terminal();
        var batch = JsonSerializer.Serialize(new { items = new[] { Offline.Item(card, 100, DateTimeOffset.UtcNow.AddMinutes(-5), "sig-1") } });
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        (await s.Api.Signed(terminal, Offline.BatchPath, batch, null, signedPath: "/api/v1/terminal/payments"))
            .ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        (await s.Api.Signed(terminal, Offline.BatchPath, batch, null, timestamp: now, sentTimestamp: (now + 1).ToString()))
            .ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        (await s.Api.Signed(terminal, Offline.BatchPath, batch, null, tamperBody: b => b.Replace("\"amount\":100", "\"amount\":10")))
            .ExpectProblem(HttpStatusCode.Unauthorized, "signature_invalid");
        Assert.Equal(1000, await s.Balance(holder));

        // The very same upload, signed as sent, goes through.
        var paid = (await s.Api.Signed(terminal, Offline.BatchPath, batch, null, timestamp: now)).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", paid["results"][0]!["status"]!.GetValue<string>());
        Assert.Equal(900, await s.Balance(holder));
    }

    [Fact]
    public async Task A_card_of_another_tenant_is_unknown_at_the_till()
    {
        var mine = await Scenario.Start(app);
        var theirs = await Scenario.Start(app);
        var myTill = await mine.Terminal();
        var (holder, card) = await theirs.CardHolder(cash: 1000);

        var answer = (await mine.Api.Pay(myTill, card, 100)).Expect(HttpStatusCode.OK);
        Assert.Equal(("declined", "not_found", 100L), (answer["status"].GetValue<string>(), answer["declineCode"].GetValue<string>(), answer["amount"].GetValue<long>()));
        Assert.Null(answer.Body!["balanceAfter"]);

        Assert.Equal(1000, await theirs.Balance(holder));
        var history = (await theirs.Api.Get($"{theirs.Base}/cardholders/{holder}/transactions", theirs.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal("topup", Assert.Single(history)!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_offline_batch_on_a_suspended_tenant_or_a_disabled_terminal_is_declined_item_by_item()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000);
        var (till, disabledTill) = (await s.Terminal(), await s.Terminal());
        var at = DateTimeOffset.UtcNow.AddHours(-2);
        await s.Disable(disabledTill);

        async Task<string[]> DeclineCodes(Terminal terminal)
        {
            var results = (await s.Api.Batch(terminal, Offline.Item(card, 100, at), Offline.Item(card, 200, at.AddMinutes(1)), Offline.Item(Scenario.NewCardNumber(), 10, at.AddMinutes(2))))
                .Expect(HttpStatusCode.OK)["results"].AsArray();
            Assert.All(results, r => Assert.Equal("declined", r!["status"]!.GetValue<string>()));
            Assert.Equal(new long[] { 100, 200, 10 }, results.Select(r => r!["amount"]!.GetValue<long>()));
            return results.Select(r => r!["declineCode"]!.GetValue<string>()).ToArray();
        }

        Assert.Equal(new[] { "terminal_disabled", "terminal_disabled", "terminal_disabled" }, await DeclineCodes(disabledTill));
        await s.Suspend();
        Assert.Equal(new[] { "tenant_suspended", "tenant_suspended", "tenant_suspended" }, await DeclineCodes(till));
        Assert.Equal(new[] { "tenant_suspended", "tenant_suspended", "tenant_suspended" }, await DeclineCodes(disabledTill));
        Assert.Equal(1000, await s.Balance(holder));
    }

    [Fact]
    public async Task Occurred_at_is_recent_for_a_tap_required_for_an_offline_item_and_always_carries_its_offset()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000);
        var terminal = await s.Terminal();
        string Tap(string occurredAt) => $"{{\"cardNumber\":\"{card}\",\"amount\":100,\"occurredAt\":\"{occurredAt}\"}}";
        var recentWithoutOffset = DateTime.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ss");

        var stale = (await s.Api.Pay(terminal, card, 100, occurredAt: DateTimeOffset.UtcNow.AddDays(-2))).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(stale["errors"]["occurredAt"]);
        foreach (var unzoned in new[] { "2026-09-01T08:00:00", recentWithoutOffset })
        {
            var rejected = (await s.Api.Signed(terminal, "/api/v1/terminal/payments", Tap(unzoned), Guid.NewGuid().ToString()))
                .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
            Assert.IsType<JsonObject>(rejected["errors"]);
        }
        // With the offset the same recent time is a fine tap: only the missing offset was wrong.
        Assert.Equal("approved", (await s.Api.Signed(terminal, "/api/v1/terminal/payments", Tap(recentWithoutOffset + "Z"), Guid.NewGuid().ToString()))
            .Expect(HttpStatusCode.OK)["status"].GetValue<string>());

        var missing = (await s.Api.Batch(terminal, new { idempotencyKey = "no-time", cardNumber = card, amount = 100 })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(missing["errors"]["items[0].occurredAt"]);
        (await s.Api.Signed(terminal, Offline.BatchPath, $"{{\"items\":[{{\"idempotencyKey\":\"unzoned\",\"cardNumber\":\"{card}\",\"amount\":100,\"occurredAt\":\"{recentWithoutOffset}\"}}]}}", null))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        var tooOld = (await s.Api.Batch(terminal, Offline.Item(card, 100, DateTimeOffset.UtcNow.AddDays(-31)))).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(tooOld["errors"]["items[0].occurredAt"]);
        Assert.Equal(900, await s.Balance(holder));

        var tenDaysOld = (await s.Api.Batch(terminal, Offline.Item(card, 100, DateTimeOffset.UtcNow.AddDays(-10)))).Expect(HttpStatusCode.OK)["results"][0]!;
        Assert.Equal(("approved", 800L), (tenDaysOld["status"]!.GetValue<string>(), tenDaysOld["balanceAfter"]!.GetValue<long>()));
        Assert.Equal(800, await s.Balance(holder));
    }

    [Fact]
    public async Task The_daily_limit_counts_offline_taps_on_their_own_local_day()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 5000, dailyLimit: 1000);
        var terminal = await s.Terminal();
        // Three local days ago at lunch, twice; and ten past midnight the next local day, which is still the same UTC day.
        var (lunch, seconds, nextDay) = (Scenario.LocalTime(3, 12), Scenario.LocalTime(3, 12, 30), Scenario.LocalTime(2, 0, 10));
        Assert.Equal(lunch.UtcDateTime.Date, nextDay.UtcDateTime.Date);

        var results = (await s.Api.Batch(terminal, Offline.Item(card, 600, lunch.ToUniversalTime()), Offline.Item(card, 600, seconds.ToUniversalTime()),
            Offline.Item(card, 600, nextDay.ToUniversalTime()))).Expect(HttpStatusCode.OK)["results"].AsArray();
        Assert.Equal(new[] { "approved", "declined", "approved" }, results.Select(r => r!["status"]!.GetValue<string>()));
        Assert.Equal("limit_exceeded", results[1]!["declineCode"]!.GetValue<string>());
        Assert.Equal(3800, await s.Balance(holder));

        // Today is a day of its own: the whole limit is there.
        var today = (await s.Api.Pay(terminal, card, 1000)).Expect(HttpStatusCode.OK);
        Assert.Equal(("approved", 2800L), (today["status"].GetValue<string>(), today["balanceAfter"].GetValue<long>()));
        Assert.Equal("limit_exceeded", (await s.Api.Pay(terminal, card, 1)).Expect(HttpStatusCode.OK)["declineCode"].GetValue<string>());
        Assert.Equal(2800, await s.Balance(holder));
    }

    [Fact]
    public async Task A_batch_item_reusing_a_key_for_another_payment_is_declined_without_a_payment_id()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000);
        var terminal = await s.Terminal();
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);
        (await s.Api.Pay(terminal, card, 300, "tap-1", at)).Expect(HttpStatusCode.OK);

        var results = (await s.Api.Batch(terminal, Offline.Item(card, 500, at, "tap-1"), Offline.Item(card, 200, at.AddMinutes(1), "tap-2")))
            .Expect(HttpStatusCode.OK)["results"].AsArray();
        var conflict = results[0]!.AsObject();
        Assert.Equal(("declined", "idempotency_conflict", 500L),
            (conflict["status"]!.GetValue<string>(), conflict["declineCode"]!.GetValue<string>(), conflict["amount"]!.GetValue<long>()));
        Assert.False(conflict.ContainsKey("paymentId"), $"a conflict is no payment: {conflict.ToJsonString()}");
        Assert.False(conflict.ContainsKey("balanceAfter"), conflict.ToJsonString());
        Assert.Equal(("approved", 500L), (results[1]!["status"]!.GetValue<string>(), results[1]!["balanceAfter"]!.GetValue<long>()));
        Assert.Equal(500, await s.Balance(holder));
    }

    [Fact]
    public async Task Each_decline_reason_moves_nothing()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 2000, dailyLimit: 1500);
        var terminal = await s.Terminal();
        async Task<string?> Decline(string c, long amount) =>
            (await s.Api.Pay(terminal, c, amount)).Expect(HttpStatusCode.OK).Body!["declineCode"]?.GetValue<string>();

        Assert.Equal("limit_exceeded", await Decline(card, 1600));
        Assert.Null(await Decline(card, 1000));
        Assert.Equal("limit_exceeded", await Decline(card, 501));
        var (poor, poorCard) = await s.CardHolder(cash: 100);
        Assert.Equal("insufficient_funds", await Decline(poorCard, 101));
        Assert.Equal("not_found", await Decline(Scenario.NewCardNumber(), 10));
        var (rich, richCard) = await s.CardHolder(cash: 1_000_000);
        Assert.Equal("risk_rejected", await Decline(richCard, 500_001));
        Assert.Equal((1000L, 1_000_000L, 100L), (await s.Balance(holder), await s.Balance(rich), await s.Balance(poor)));
    }

    [Fact]
    public async Task A_suspended_tenant_declines_every_payment_and_top_up_until_resumed()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000);
        var terminal = await s.Terminal();
        (await s.Api.Post($"{s.Base}/suspend", null, s.AdminToken)).Expect(HttpStatusCode.OK);

        Assert.Equal("tenant_suspended", (await s.Api.Pay(terminal, card, 100)).Expect(HttpStatusCode.OK)["declineCode"].GetValue<string>());
        Assert.Equal("tenant_suspended", (await s.Api.Pay(terminal, Scenario.NewCardNumber(), 100)).Expect(HttpStatusCode.OK)["declineCode"].GetValue<string>());
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/topups", new { amount = 100, channel = "counter" }, s.AdminToken, "sus-1"))
            .ExpectProblem(HttpStatusCode.Conflict, "tenant_suspended");
        Assert.Equal(1000, await s.Balance(holder));

        (await s.Api.Post($"{s.Base}/resume", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", (await s.Api.Pay(terminal, card, 100)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());
    }

    [Fact]
    public async Task A_disabled_terminal_declines_but_keeps_its_earlier_answers()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000);
        var terminal = await s.Terminal();
        var before = (await s.Api.Pay(terminal, card, 100, "d-1")).Expect(HttpStatusCode.OK);
        var disabled = (await s.Api.Post($"{s.Base}/terminals/{terminal.Id}/disable", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("disabled", disabled["status"].GetValue<string>());
        Assert.DoesNotContain(terminal.Secret, disabled.Raw);
        Assert.Equal("terminal_disabled", (await s.Api.Pay(terminal, card, 100)).Expect(HttpStatusCode.OK)["declineCode"].GetValue<string>());
        Assert.Equal(before.Raw, (await s.Api.Pay(terminal, card, 100, "d-1")).Expect(HttpStatusCode.OK).Raw);
        Assert.Equal(900, await s.Balance(holder));
        (await s.Api.Post($"{s.Base}/terminals/trm_nope/disable", null, s.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Terminals_are_created_by_tenant_admins_with_a_secret_shown_once()
    {
        var s = await Scenario.Start(app);
        var created = (await s.Api.Post($"{s.Base}/terminals", new { name = "Kiosk 1", kind = "kiosk" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        Assert.Equal(("kiosk", "active"), (created["kind"].GetValue<string>(), created["status"].GetValue<string>()));
        Assert.Equal(64, created["secret"].GetValue<string>().Length);
        var read = (await s.Api.Get($"{s.Base}/terminals/{created["id"]}", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Null(read.Body!["secret"]);
        (await s.Api.Post($"{s.Base}/terminals", new { name = "", kind = "atm" }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        var cashier = await s.UserToken("cashier");
        (await s.Api.Post($"{s.Base}/terminals", new { name = "T", kind = "pos" }, cashier)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Sixty_concurrent_payments_on_one_card_never_overdraw()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000);
        var terminals = new[] { await s.Terminal(), await s.Terminal(), await s.Terminal() };
        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => s.Api.Pay(terminals[i % 3], card, 50, $"c-{i}")));
        Assert.All(answers, a => a.Expect(HttpStatusCode.OK));
        Assert.Equal(20, answers.Count(a => a["status"].GetValue<string>() == "approved"));
        Assert.Equal(40, answers.Count(a => a.Body!["declineCode"]?.GetValue<string>() == "insufficient_funds"));
        Assert.Equal(0, await s.Balance(holder));
        var balances = answers.Where(a => a["status"].GetValue<string>() == "approved").Select(a => a["balanceAfter"].GetValue<long>()).Order();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * 50L), balances);
        await s.TrialBalance();
    }

    [Fact]
    public async Task An_offline_batch_uploaded_twice_applies_once_in_request_order()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000);
        var terminal = await s.Terminal();
        var at = DateTimeOffset.UtcNow.AddHours(-3);
        var body = JsonSerializer.Serialize(new
        {
            items = new object[]
            {
                new { idempotencyKey = "off-1", cardNumber = card, amount = 300, occurredAt = at },
                new { idempotencyKey = "off-2", cardNumber = card, amount = 600, occurredAt = at.AddMinutes(1) },
                new { idempotencyKey = "off-3", cardNumber = card, amount = 200, occurredAt = at.AddMinutes(2) },
                new { idempotencyKey = "off-4", cardNumber = Scenario.NewCardNumber(), amount = 10, occurredAt = at.AddMinutes(3) },
            },
        });
        var first = (await s.Api.Signed(terminal, "/api/v1/terminal/payments/batch", body, null)).Expect(HttpStatusCode.OK);
        var results = first["results"].AsArray();
        Assert.Equal(new[] { "approved", "approved", "declined", "declined" }, results.Select(r => r!["status"]!.GetValue<string>()));
        Assert.Equal("insufficient_funds", results[2]!["declineCode"]!.GetValue<string>());
        Assert.Equal(100, results[1]!["balanceAfter"]!.GetValue<long>());

        var second = (await s.Api.Signed(terminal, "/api/v1/terminal/payments/batch", body, null)).Expect(HttpStatusCode.OK);
        Assert.Equal(first.Raw, second.Raw);
        Assert.Equal(100, await s.Balance(holder));

        // A batch item and a single payment share the terminal's keys.
        Assert.Equal(results[0]!.ToJsonString(), (await s.Api.Pay(terminal, card, 300, "off-1", at)).Expect(HttpStatusCode.OK).Raw);
        Assert.Equal("idempotency_conflict", (await s.Api.Signed(terminal, "/api/v1/terminal/payments/batch",
            JsonSerializer.Serialize(new { items = new[] { new { idempotencyKey = "off-1", cardNumber = card, amount = 1, occurredAt = at } } }), null))
            .Expect(HttpStatusCode.OK)["results"][0]!["declineCode"]!.GetValue<string>());

        // One bad item rejects the whole upload and nothing moves.
        var bad = JsonSerializer.Serialize(new { items = new object[] { new { idempotencyKey = "off-5", cardNumber = card, amount = 10, occurredAt = at }, new { idempotencyKey = "", cardNumber = card, amount = -1, occurredAt = at } } });
        var rejected = (await s.Api.Signed(terminal, "/api/v1/terminal/payments/batch", bad, null)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(rejected["errors"]["items[1].amount"]);
        (await s.Api.Signed(terminal, "/api/v1/terminal/payments/batch", "{\"items\":[]}", null)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(100, await s.Balance(holder));
    }

    [Fact]
    public async Task Trial_balance_is_balanced_and_matches_the_wallets()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000, subsidy: 500);
        var terminal = await s.Terminal();
        (await s.Api.Pay(terminal, card, 700)).Expect(HttpStatusCode.OK);
        (await s.Api.Pay(terminal, card, 9999)).Expect(HttpStatusCode.OK);

        var tb = await s.TrialBalance();
        long Balance(string account) => tb["accounts"]!.AsArray().Single(a => a!["account"]!.GetValue<string>() == account)!["balance"]!.GetValue<long>();
        Assert.Equal(1500 + 700, tb["totalDebit"]!.GetValue<long>());
        Assert.Equal(-800, Balance($"cardholder:{holder}:cash"));
        Assert.Equal(0, Balance($"cardholder:{holder}:subsidy"));
        Assert.Equal(-700, Balance($"merchant-receivable:{terminal.MerchantId}"));
        Assert.Equal(1500, Balance("clearing:counter"));
        Assert.Equal(800, await s.Balance(holder));
    }
}
