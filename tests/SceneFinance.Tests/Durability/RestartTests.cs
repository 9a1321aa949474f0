using System.Net;
using Npgsql;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Durability;

/// <summary>
/// The product stops and starts again on the same database (a deploy, a reboot): a counter or a till that retries
/// a request it never heard back from gets the first answer again, and the money moved once.
/// </summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Top_ups_and_payments_replay_their_first_answer_after_a_restart()
    {
        string connectionString, dataPath;
        Scenario s;
        string holder, card;
        Terminal terminal;
        Answer topUp, payment;

        await using (var before = new SceneApp())
        {
            (connectionString, dataPath) = (before.ConnectionString, before.DataPath);
            s = await Scenario.Start(before);
            (holder, card) = await s.CardHolder();
            terminal = await s.Terminal();
            topUp = (await s.Api.Post($"{s.Base}/cardholders/{holder}/topups", new { amount = 1000, channel = "counter" }, s.AdminToken, "restart-topup"))
                .Expect(HttpStatusCode.OK);
            payment = (await s.Api.Pay(terminal, card, 300, "restart-pay")).Expect(HttpStatusCode.OK);
            Assert.Equal(("approved", 700L), (payment["status"].GetValue<string>(), payment["balanceAfter"].GetValue<long>()));
        }

        await using var after = new SceneApp(connectionString, dataPath); // the same data folder: its key ring opens the sealed secrets
        s = await s.On(after.Api());
        Assert.Equal(700, await s.Balance(holder));

        var topUpAgain = (await s.Api.Post($"{s.Base}/cardholders/{holder}/topups", new { amount = 1000, channel = "counter" }, s.AdminToken, "restart-topup"))
            .Expect(HttpStatusCode.OK);
        Assert.Equal(topUp.Raw, topUpAgain.Raw);
        var paymentAgain = (await s.Api.Pay(terminal, card, 300, "restart-pay")).Expect(HttpStatusCode.OK);
        Assert.Equal(payment.Raw, paymentAgain.Raw);
        (await s.Api.Pay(terminal, card, 301, "restart-pay")).ExpectProblem(HttpStatusCode.Conflict, "idempotency_conflict");
        Assert.Equal(700, await s.Balance(holder));

        var history = (await s.Api.Get($"{s.Base}/cardholders/{holder}/transactions", s.AdminToken)).Expect(HttpStatusCode.OK)["items"].AsArray();
        Assert.Equal(new[] { "payment", "topup" }, history.Select(t => t!["type"]!.GetValue<string>()));
        Assert.Equal(payment["paymentId"].GetValue<string>(), history[0]!["id"]!.GetValue<string>());
        Assert.Equal(1000 + 300, (await s.TrialBalance())["totalDebit"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_events_commit_time_index_is_built_once_and_kept_across_a_restart()
    {
        // Marten does not know the BRIN index the owner adds to mt_events: a start must neither drop it (the next would rebuild
        // it over every event, holding off appends) nor build a second one.
        static async Task<(uint Oid, string Method)> Index(string connectionString)
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync();
            await using var command = new NpgsqlCommand(
                "select c.oid, am.amname from pg_class c join pg_am am on am.oid = c.relam where c.relname = 'sf_mt_events_commit_time' and c.relnamespace = 'scenefinance'::regnamespace",
                conn);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), "mt_events has no commit-time index");
            return (reader.GetFieldValue<uint>(0), reader.GetString(1));
        }

        string connectionString, dataPath;
        (uint Oid, string Method) first;
        await using (var before = new SceneApp())
        {
            await before.Api().AdminToken(); // started, its migrations applied
            (connectionString, dataPath) = (before.ConnectionString, before.DataPath);
            first = await Index(connectionString);
            Assert.Equal("brin", first.Method);
        }
        await using var after = new SceneApp(connectionString, dataPath);
        await after.Api().AdminToken(); // started, its migrations applied
        Assert.Equal(first, await Index(connectionString));
    }
}
