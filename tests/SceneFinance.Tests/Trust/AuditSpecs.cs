using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SceneFinance.Platform.Audit;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Trust;

/// <summary>
/// The audit log (issue 11, item 4): each staff action leaves its entry, written in the same transaction as the change (the
/// rows share PostgreSQL's transaction id), a refused action leaves none, and nothing can change or delete an entry.
/// </summary>
[Collection(SharedApp.Name)]
public sealed class AuditSpecs(SceneApp app)
{
    IDocumentStore Store => app.Services.GetRequiredService<IDocumentStore>();

    async Task<List<AuditEntry>> Entries(string tenantId)
    {
        await using var session = Store.QuerySession();
        return (await session.Query<AuditEntry>().Where(e => e.TenantId == tenantId).OrderBy(e => e.At).ToListAsync()).ToList();
    }

    async Task<long> Xmin(string sql, string id)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand(sql, conn);
        command.Parameters.AddWithValue("id", id);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Card_office_actions_leave_who_did_them_in_the_same_commit()
    {
        var s = await Scenario.Start(app);
        var cashierName = "till" + Guid.NewGuid().ToString("N")[..8];
        (await s.Api.Post($"{s.Base}/users", new { username = cashierName, password = "Passw0rd-till", role = "cashier" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        var cashier = await s.Api.Token(cashierName, "Passw0rd-till");
        var (holder, _) = await s.CardHolder();

        (await s.Api.Post($"{s.Base}/cardholders/{holder}/topups", new { amount = 5000, channel = "counter" }, cashier, "audit-topup-1")).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/freeze", null, cashier)).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/report-lost", null, cashier)).Expect(HttpStatusCode.OK);
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/replace-card", new { newCardNumber = Scenario.NewCardNumber() }, cashier)).Expect(HttpStatusCode.OK);

        // The card holder's own decisions (what follows from them, like the tills' offline card list, is attributed to the cashier too).
        var byCashier = (await Entries(s.TenantId)).Where(e => e.ActorId == cashierName && e.Target == holder && !e.Action.StartsWith("sign-in.")).ToList();
        Assert.Equal(["CardToppedUp", "CardFrozen", "CardReportedLost", "CardReplaced"], byCashier.Select(e => e.Action.Split(", ")[0]));
        Assert.All(byCashier, e => Assert.Equal(("cashier", s.TenantId, holder), (e.ActorRole, e.ActorTenantId, e.Target)));
        var frozen = byCashier.Single(e => e.Action.StartsWith("CardFrozen"));
        Assert.Contains("active", frozen.Before);
        Assert.Contains("frozen", frozen.After);
        // The card numbers of a replacement are masked in the log like in every answer.
        var replaced = byCashier.Single(e => e.Action.StartsWith("CardReplaced"));
        Assert.DoesNotMatch("[0-9]{12}", replaced.Before + replaced.After);

        // Same transaction: the freeze's event row and its audit row were written by one PostgreSQL transaction.
        var eventTx = await Xmin("select xmin::text::bigint from scenefinance.mt_events where stream_id = @id and type = 'card_frozen'", holder);
        var auditTx = await Xmin("select xmin::text::bigint from scenefinance.mt_doc_auditentry where id = @id", frozen.Id);
        Assert.Equal(eventTx, auditTx);
    }

    [Fact]
    public async Task Tenant_suspend_terminal_disable_user_creation_and_settings_are_audited_with_before_and_after()
    {
        var s = await Scenario.Start(app, "hospital");
        var terminal = await s.Terminal();
        await s.Disable(terminal);
        var username = "nurse" + Guid.NewGuid().ToString("N")[..8];
        (await s.Api.Post($"{s.Base}/users", new { username, password = "Passw0rd-nurse", role = "finance" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        (await s.Api.Send(HttpMethod.Put, $"{s.Base}/hospital/settings", new { creditLimit = 123_400 }, s.AdminToken)).Expect(HttpStatusCode.OK);
        (await s.Api.Send(HttpMethod.Put, $"{s.Base}/hospital/settings", new { creditLimit = 99_900 }, s.AdminToken)).Expect(HttpStatusCode.OK);
        await s.Suspend();

        var entries = await Entries(s.TenantId);
        Assert.All(entries.Where(e => e.Action != "sign-in.succeeded"), e => Assert.Equal(("admin", "platform-admin"), (e.ActorId, e.ActorRole)));
        var disabled = entries.Single(e => e.Action == "terminal.disabled");
        Assert.Equal(terminal.Id, disabled.Target);
        Assert.Contains("active", disabled.Before);
        Assert.Contains("disabled", disabled.After);
        Assert.DoesNotContain(terminal.Secret, string.Concat(entries.Select(e => e.Before + e.After)));
        var created = entries.Single(e => e.Action == "user.created");
        Assert.Equal($"user:{username}", created.Target);
        Assert.DoesNotContain("Passw0rd", created.After);
        // A setting overwritten in place keeps its history in the log: each change's before and after.
        var settings = entries.Where(e => e.Action == "hospital-settings.changed").ToList();
        Assert.Equal(2, settings.Count);
        Assert.Contains("123400", settings[0].After);
        Assert.Contains("123400", settings[1].Before);
        Assert.Contains("99900", settings[1].After);
        var suspended = entries.Single(e => e.Action == "tenant.suspended");
        Assert.Contains("active", suspended.Before);
        Assert.Contains("suspended", suspended.After);

        var recordTx = await Xmin("select xmin::text::bigint from scenefinance.mt_doc_tenantrecord where id = @id", s.TenantId);
        Assert.Equal(recordTx, await Xmin("select xmin::text::bigint from scenefinance.mt_doc_auditentry where id = @id", suspended.Id));
    }

    [Fact]
    public async Task Sign_ins_are_audited_when_they_succeed_and_when_they_fail()
    {
        var s = await Scenario.Start(app);
        var username = "clerk" + Guid.NewGuid().ToString("N")[..8];
        (await s.Api.Post($"{s.Base}/users", new { username, password = "Passw0rd-clerk", role = "finance" }, s.AdminToken)).Expect(HttpStatusCode.Created);
        (await s.Api.Post("/api/v1/auth/token", new { username, password = "wrong-password" }, null)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        await s.Api.Token(username, "Passw0rd-clerk");

        var signIns = (await Entries(s.TenantId)).Where(e => e.Target == $"user:{username}" && e.Action.StartsWith("sign-in.")).ToList();
        Assert.Equal(["sign-in.failed", "sign-in.succeeded"], signIns.Select(e => e.Action));
        Assert.Equal("wrong password", signIns[0].Reason);
        Assert.All(signIns, e => Assert.Equal((username, "finance"), (e.ActorId, e.ActorRole)));
    }

    [Fact]
    public async Task A_terminal_tap_is_the_terminals_own_record_even_with_a_persons_token_attached()
    {
        // The tap's events name the terminal; a bearer token a device happens to send does not make it that person's action
        // (nor cost every tap an audit row).
        var s = await Scenario.Start(app);
        var (_, card) = await s.CardHolder(cash: 1000);
        var terminal = await s.Terminal();
        var before = (await Entries(s.TenantId)).Count;

        (await s.Api.Signed(terminal, "/api/v1/terminal/payments", System.Text.Json.JsonSerializer.Serialize(new { cardNumber = card, amount = 100 }),
            "tap-with-a-token", bearer: s.AdminToken)).Expect(HttpStatusCode.OK);

        Assert.Equal(before, (await Entries(s.TenantId)).Count);
    }

    [Fact]
    public async Task A_refused_action_leaves_no_entry()
    {
        var s = await Scenario.Start(app);
        var cashier = await s.UserToken("cashier");
        var (holder, _) = await s.CardHolder();
        var before = (await Entries(s.TenantId)).Count;

        (await s.Api.Post($"{s.Base}/cardholders/ch_missing/freeze", null, s.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await s.Api.Post($"{s.Base}/terminals", new { name = "x", kind = "pos" }, cashier)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/topups", new { amount = 0, channel = "counter" }, s.AdminToken, "bad-topup")).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await s.Api.Post($"{s.Base}/users/nobody-here/disable", null, s.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await s.Suspend();
        var afterSuspend = (await Entries(s.TenantId)).Count;
        (await s.Api.Post($"{s.Base}/cardholders/{holder}/topups", new { amount = 100, channel = "counter" }, s.AdminToken, "refused-topup"))
            .ExpectProblem(HttpStatusCode.Conflict, "tenant_suspended");

        Assert.Equal(before + 1, afterSuspend); // the suspension only
        Assert.Equal(afterSuspend, (await Entries(s.TenantId)).Count);
    }

    [Fact]
    public async Task Nothing_can_update_or_delete_an_entry_not_even_sql()
    {
        var s = await Scenario.Start(app);
        await s.Suspend();
        var entry = (await Entries(s.TenantId)).Single(e => e.Action == "tenant.suspended");
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        foreach (var sql in new[]
                 {
                     "update scenefinance.mt_doc_auditentry set data = data where id = @id",
                     "delete from scenefinance.mt_doc_auditentry where id = @id",
                 })
        {
            await using var command = new NpgsqlCommand(sql, conn);
            command.Parameters.AddWithValue("id", entry.Id);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refused.MessageText);
        }
        Assert.Single(await Entries(s.TenantId), e => e.Id == entry.Id);
    }
}
