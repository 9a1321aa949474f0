using System.Net;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Api;

[Collection(SharedApp.Name)]
public sealed class CardHolderSpecs(SceneApp app)
{
    [Fact]
    public async Task Registering_returns_the_contract_shape_with_personal_data_masked()
    {
        var s = await Scenario.Start(app);
        var created = (await s.Api.Post($"{s.Base}/cardholders", new
        {
            externalId = "0012345", name = "王小明", kind = "student", cardNumber = "6200123456781234",
            idNumber = "110101201001011234", phone = "13812345678", dailyLimit = 3000,
        }, s.AdminToken)).Expect(HttpStatusCode.Created);
        Assert.Equal("0012345", created["externalId"].GetValue<string>());
        Assert.Equal("6200123456781234", created["cardNumber"].GetValue<string>());
        Assert.Equal("active", created["status"].GetValue<string>());
        Assert.Equal(3000, created["dailyLimit"].GetValue<long>());
        Assert.Equal(0, created["balance"]["cash"]!.GetValue<long>());
        Assert.Equal(0, created["balance"]["subsidy"]!.GetValue<long>());
        Assert.Equal("**************1234", created["idNumber"].GetValue<string>());
        Assert.Equal("138****5678", created["phone"].GetValue<string>());

        var read = (await s.Api.Get($"{s.Base}/cardholders/{created["id"]}", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("************1234", read["cardNumber"].GetValue<string>());
        Assert.DoesNotContain("110101201001011234", read.Raw);
        Assert.DoesNotContain("13812345678", read.Raw);
    }

    [Fact]
    public async Task Without_a_daily_limit_it_is_null_and_a_card_number_is_issued()
    {
        var s = await Scenario.Start(app);
        var created = (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "E1", name = "Staff", kind = "staff" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        Assert.Contains("\"dailyLimit\":null", created.Raw);
        Assert.Matches("^[1-9][0-9]{15}$", created["cardNumber"].GetValue<string>());
    }

    [Fact]
    public async Task External_id_and_card_number_are_unique_in_the_tenant_only()
    {
        var s = await Scenario.Start(app);
        var other = await Scenario.Start(app);
        (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "X1", name = "A", kind = "staff", cardNumber = "11112222" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "X1", name = "B", kind = "staff", cardNumber = "33334444" }, s.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "X2", name = "B", kind = "staff", cardNumber = "11112222" }, s.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        // The failed attempts claimed nothing: X2 and 33334444 are still free.
        (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "X2", name = "B", kind = "staff", cardNumber = "33334444" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        (await other.Api.Post($"{other.Base}/cardholders", new { externalId = "X1", name = "A", kind = "staff", cardNumber = "11112222" }, other.AdminToken)).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Bad_card_holder_input_lists_every_field()
    {
        var s = await Scenario.Start(app);
        var bad = (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "", name = "", kind = "alien", cardNumber = "12-34", dailyLimit = -5, phone = "abc" }, s.AdminToken))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        foreach (var field in new[] { "externalId", "name", "kind", "cardNumber", "dailyLimit", "phone" })
            Assert.NotNull(bad["errors"][field]);
        (await s.Api.Post($"{s.Base}/cardholders", "{\"externalId\":\"A\",\"name\":\"B\",\"kind\":\"staff\",\"dailyLimit\":10.5}", s.AdminToken))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Get($"{s.Base}/cardholders/ch_nobody", s.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Top_up_is_idempotent_per_key_and_conflicts_on_a_different_body()
    {
        var s = await Scenario.Start(app);
        var (holder, _) = await s.CardHolder();
        var path = $"{s.Base}/cardholders/{holder}/topups";
        var first = (await s.Api.Post(path, new { amount = 1000, channel = "counter" }, s.AdminToken, "topup-1")).Expect(HttpStatusCode.OK);
        Assert.Equal("succeeded", first["status"].GetValue<string>());
        Assert.Equal(1000, first["balance"]["cash"]!.GetValue<long>());

        var replay = (await s.Api.Post(path, new { amount = 1000, channel = "counter" }, s.AdminToken, "topup-1")).Expect(HttpStatusCode.OK);
        Assert.Equal(first.Raw, replay.Raw);
        (await s.Api.Post(path, new { amount = 999, channel = "counter" }, s.AdminToken, "topup-1")).ExpectProblem(HttpStatusCode.Conflict, "idempotency_conflict");
        Assert.Equal(1000, await s.Balance(holder));

        (await s.Api.Post(path, new { amount = 1000, channel = "counter" }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "idempotency_key_required");
        (await s.Api.Post(path, new { amount = 1000, channel = "counter" }, s.AdminToken, new string('k', 129))).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Post(path, new { amount = 0, channel = "counter" }, s.AdminToken, "t0")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Post(path, new { amount = 100_000_001, channel = "counter" }, s.AdminToken, "t1")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Post(path, new { amount = 100, channel = "wechat" }, s.AdminToken, "t2")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Post(path, new { amount = 100, channel = "counter", purse = "gold" }, s.AdminToken, "t3")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(1000, await s.Balance(holder));

        var subsidy = (await s.Api.Post(path, new { amount = 250, channel = "bank-transfer", purse = "subsidy" }, s.AdminToken, "topup-2")).Expect(HttpStatusCode.OK);
        Assert.Equal(250, subsidy["balance"]["subsidy"]!.GetValue<long>());
    }

    [Fact]
    public async Task Idempotency_keys_are_scoped_per_tenant()
    {
        var a = await Scenario.Start(app);
        var b = await Scenario.Start(app);
        var (ha, _) = await a.CardHolder();
        var (hb, _) = await b.CardHolder();
        (await a.Api.Post($"{a.Base}/cardholders/{ha}/topups", new { amount = 100, channel = "counter" }, a.AdminToken, "same-key")).Expect(HttpStatusCode.OK);
        (await b.Api.Post($"{b.Base}/cardholders/{hb}/topups", new { amount = 200, channel = "counter" }, b.AdminToken, "same-key")).Expect(HttpStatusCode.OK);
        Assert.Equal((100L, 200L), (await a.Balance(ha), await b.Balance(hb)));
    }

    [Fact]
    public async Task Freeze_unfreeze_report_lost_and_replace_card()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000);
        var terminal = await s.Terminal();
        var basePath = $"{s.Base}/cardholders/{holder}";

        Assert.Equal("frozen", (await s.Api.Post($"{basePath}/freeze", null, s.AdminToken)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());
        Assert.Equal("card_frozen", (await s.Api.Pay(terminal, card, 100)).Expect(HttpStatusCode.OK)["declineCode"].GetValue<string>());
        Assert.Equal("active", (await s.Api.Post($"{basePath}/unfreeze", null, s.AdminToken)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());
        Assert.Equal("approved", (await s.Api.Pay(terminal, card, 100)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());

        Assert.Equal("lost", (await s.Api.Post($"{basePath}/report-lost", null, s.AdminToken)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());
        Assert.Equal("card_lost", (await s.Api.Pay(terminal, card, 100)).Expect(HttpStatusCode.OK)["declineCode"].GetValue<string>());
        (await s.Api.Post($"{basePath}/unfreeze", null, s.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "conflict");

        var newCard = Scenario.NewCardNumber();
        var replaced = (await s.Api.Post($"{basePath}/replace-card", new { newCardNumber = newCard }, s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("active", replaced["status"].GetValue<string>());
        Assert.EndsWith(newCard[^4..], replaced["cardNumber"].GetValue<string>());
        Assert.Equal(900, replaced["balance"]["cash"]!.GetValue<long>());

        Assert.Equal("card_lost", (await s.Api.Pay(terminal, card, 100)).Expect(HttpStatusCode.OK)["declineCode"].GetValue<string>());
        var paid = (await s.Api.Pay(terminal, newCard, 100)).Expect(HttpStatusCode.OK);
        Assert.Equal(("approved", 800L), (paid["status"].GetValue<string>(), paid["balanceAfter"].GetValue<long>()));

        // The old number stays with its holder: nobody else can take it, and the new one is taken too.
        (await s.Api.Post($"{s.Base}/cardholders", new { externalId = "other", name = "B", kind = "staff", cardNumber = card }, s.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        var (second, _) = await s.CardHolder();
        (await s.Api.Post($"{s.Base}/cardholders/{second}/replace-card", new { newCardNumber = newCard }, s.AdminToken)).ExpectProblem(HttpStatusCode.Conflict, "conflict");
        (await s.Api.Post($"{basePath}/replace-card", new { newCardNumber = "no!" }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Post($"{s.Base}/cardholders/ch_nobody/freeze", null, s.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_replaced_card_is_masked_and_a_frozen_holder_stays_frozen_on_the_new_card()
    {
        var s = await Scenario.Start(app);
        var (holder, oldCard) = await s.CardHolder(cash: 1000);
        var terminal = await s.Terminal();
        var basePath = $"{s.Base}/cardholders/{holder}";
        (await s.Api.Post($"{basePath}/freeze", null, s.AdminToken)).Expect(HttpStatusCode.OK);

        var newCard = "62" + Random.Shared.NextInt64(10_000_000_000, 99_999_999_999) + "9876"; // 17 characters
        var replaced = (await s.Api.Post($"{basePath}/replace-card", new { newCardNumber = newCard }, s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(new string('*', 13) + "9876", replaced["cardNumber"].GetValue<string>());
        Assert.StartsWith("*", replaced["cardNumber"].GetValue<string>());
        Assert.DoesNotContain(newCard, replaced.Raw);
        Assert.Equal("frozen", replaced["status"].GetValue<string>());
        var read = (await s.Api.Get(basePath, s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(("*************9876", "frozen"), (read["cardNumber"].GetValue<string>(), read["status"].GetValue<string>()));

        Assert.Equal("card_frozen", (await s.Api.Pay(terminal, newCard, 100)).Expect(HttpStatusCode.OK)["declineCode"].GetValue<string>());
        Assert.Equal("card_lost", (await s.Api.Pay(terminal, oldCard, 100)).Expect(HttpStatusCode.OK)["declineCode"].GetValue<string>());
        Assert.Equal(1000, await s.Balance(holder));

        Assert.Equal("active", (await s.Api.Post($"{basePath}/unfreeze", null, s.AdminToken)).Expect(HttpStatusCode.OK)["status"].GetValue<string>());
        Assert.Equal(900, (await s.Api.Pay(terminal, newCard, 100)).Expect(HttpStatusCode.OK)["balanceAfter"].GetValue<long>());
    }

    [Fact]
    public async Task Transactions_are_newest_first_with_balance_after()
    {
        var s = await Scenario.Start(app);
        var (holder, card) = await s.CardHolder(cash: 1000);
        var terminal = await s.Terminal();
        var payment = (await s.Api.Pay(terminal, card, 300)).Expect(HttpStatusCode.OK);
        await s.Api.Pay(terminal, card, 5000);

        var list = (await s.Api.Get($"{s.Base}/cardholders/{holder}/transactions?limit=50", s.AdminToken)).Expect(HttpStatusCode.OK);
        var items = list["items"].AsArray();
        Assert.Equal(3, items.Count);
        Assert.Equal(("payment", "declined"), (items[0]!["type"]!.GetValue<string>(), items[0]!["status"]!.GetValue<string>()));
        Assert.Equal(payment["paymentId"].GetValue<string>(), items[1]!["id"]!.GetValue<string>());
        Assert.Equal((300L, 700L, terminal.Id), (items[1]!["amount"]!.GetValue<long>(), items[1]!["balanceAfter"]!.GetValue<long>(), items[1]!["terminalId"]!.GetValue<string>()));
        Assert.Equal(("topup", 1000L), (items[2]!["type"]!.GetValue<string>(), items[2]!["balanceAfter"]!.GetValue<long>()));

        var one = (await s.Api.Get($"{s.Base}/cardholders/{holder}/transactions?limit=1", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Single(one["items"].AsArray());
        (await s.Api.Get($"{s.Base}/cardholders/{holder}/transactions?limit=0", s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
    }
}
