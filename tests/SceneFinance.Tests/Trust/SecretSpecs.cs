using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SceneFinance.Grains.Terminals;
using SceneFinance.Platform.Audit;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Hospital.PostingOrders;
using SceneFinance.Tests.Hospital;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Trust;

/// <summary>
/// Terminal and HIS secrets (issue 11, items 5 and 6): sealed at rest with the key ring, rotated with a grace for the old secret,
/// and a disabled terminal refused until it is enabled again.
/// </summary>
[Collection(SharedApp.Name)]
public sealed class SecretSpecs(SceneApp app)
{
    IDocumentStore Store => app.Services.GetRequiredService<IDocumentStore>();

    /// <summary>Every row of every table of the product's schema (documents, events, the audit log) that holds the text.</summary>
    async Task<List<string>> TablesHolding(string text)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "select table_name from information_schema.tables where table_schema = 'scenefinance' and table_type = 'BASE TABLE'", conn))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        Assert.Contains("mt_events", tables);
        Assert.Contains("mt_doc_terminalrecord", tables);
        Assert.Contains("mt_doc_hisclient", tables);
        var holding = new List<string>();
        foreach (var table in tables)
        {
            await using var count = new NpgsqlCommand($"select count(*) from scenefinance.\"{table}\" t where strpos(t::text, @text) > 0", conn);
            count.Parameters.AddWithValue("text", text);
            if (Convert.ToInt64(await count.ExecuteScalarAsync()) > 0) holding.Add(table);
        }
        return holding;
    }

    async Task Sql(string sql, params (string Name, object Value)[] parameters)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand(sql, conn);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }

    static async Task<string> Approved(Scenario s, Terminal terminal, string card) =>
        (await s.Api.Pay(terminal, card, 100)).Expect(HttpStatusCode.OK)["status"].GetValue<string>();

    [Fact]
    public async Task No_table_holds_a_terminal_or_his_secret_in_the_clear_and_signed_requests_still_verify()
    {
        var h = await HospitalScenario.Start(app.Api(), null);
        var pos = await h.S.Terminal();
        var (_, card) = await h.S.CardHolder(cash: 10_000);
        foreach (var secret in new[] { h.His.Secret, h.Kiosk.Secret, pos.Secret })
            Assert.Empty(await TablesHolding(secret));

        var (patient, _) = await h.Patient();
        await h.Order(patient, 1200);                                                      // the HIS signs
        (await h.KioskGet("/api/v1/kiosk/clinic-slots")).Expect(HttpStatusCode.OK);        // a kiosk signs
        Assert.Equal("approved", await Approved(h.S, pos, card));                           // a till signs
        Assert.Equal("approved", await Approved(h.S, pos, card));
    }

    [Fact]
    public async Task Secrets_kept_in_the_clear_before_sealing_are_sealed_at_startup_once_and_still_verify()
    {
        var h = await HospitalScenario.Start(app.Api(), null);
        var pos = await h.S.Terminal();
        var (_, card) = await h.S.CardHolder(cash: 10_000);
        // As an older version wrote them: the secrets themselves in the documents.
        await Sql("update scenefinance.mt_doc_terminalrecord set data = jsonb_set(data, '{secret}', to_jsonb(@secret::text)) where id = @id",
            ("secret", pos.Secret), ("id", pos.Id));
        await Sql("update scenefinance.mt_doc_hisclient set data = jsonb_set(data, '{secret}', to_jsonb(@secret::text)) where id = @id",
            ("secret", h.His.Secret), ("id", h.His.Id));
        Assert.Equal(["mt_doc_terminalrecord"], await TablesHolding(pos.Secret));
        Assert.Equal(["mt_doc_hisclient"], await TablesHolding(h.His.Secret));

        var sealer = app.Services.GetRequiredService<Sealer>();
        Assert.True(await TerminalSecrets.SealAtRest(Store, sealer, default) >= 1);
        Assert.True(await HisSignature.SealAtRest(Store, sealer, default) >= 1);
        Assert.Empty(await TablesHolding(pos.Secret));
        Assert.Empty(await TablesHolding(h.His.Secret));
        Assert.Equal(0, await TerminalSecrets.SealAtRest(Store, sealer, default)); // nothing left to do: idempotent
        Assert.Equal(0, await HisSignature.SealAtRest(Store, sealer, default));

        Assert.Equal("approved", await Approved(h.S, pos, card));
        var (patient, _) = await h.Patient();
        await h.Order(patient, 1200);
    }

    [Fact]
    public async Task A_rotated_terminal_secret_works_at_once_and_the_old_one_only_during_its_grace()
    {
        var s = await Scenario.Start(app);
        var old = await s.Terminal();
        var (_, card) = await s.CardHolder(cash: 10_000);
        var path = $"{s.Base}/terminals/{old.Id}/rotate-secret";

        var rotated = (await s.Api.Post(path, null, s.AdminToken)).Expect(HttpStatusCode.OK);
        var fresh = old with { Secret = rotated["secret"].GetValue<string>() };
        Assert.NotEqual(old.Secret, fresh.Secret);
        Assert.Equal(64, fresh.Secret.Length);
        var until = rotated["previousSecretUntil"].GetValue<DateTimeOffset>();
        Assert.InRange(until - DateTimeOffset.UtcNow, TimeSpan.FromHours(23), TimeSpan.FromHours(24)); // the default grace
        Assert.Equal("approved", await Approved(s, fresh, card)); // the new secret at once
        Assert.Equal("approved", await Approved(s, old, card));   // the old one within its grace
        Assert.Empty(await TablesHolding(fresh.Secret));
        Assert.Empty(await TablesHolding(old.Secret));

        // A short grace: the old secret is refused once it is over, like a wrong signature.
        var second = (await s.Api.Post(path, new { graceSeconds = 2 }, s.AdminToken)).Expect(HttpStatusCode.OK);
        var newest = old with { Secret = second["secret"].GetValue<string>() };
        (await s.Api.Pay(old, card, 100)).ExpectProblem(HttpStatusCode.Unauthorized, ErrorCodes.SignatureInvalid); // two rotations ago
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await s.Api.Pay(fresh, card, 100)).ExpectProblem(HttpStatusCode.Unauthorized, ErrorCodes.SignatureInvalid);
        Assert.Equal("approved", await Approved(s, newest, card));

        // No grace at all, for a secret that leaked; and never a longer grace than the setting.
        var third = (await s.Api.Post(path, new { graceSeconds = 0 }, s.AdminToken)).Expect(HttpStatusCode.OK);
        (await s.Api.Pay(newest, card, 100)).ExpectProblem(HttpStatusCode.Unauthorized, ErrorCodes.SignatureInvalid);
        Assert.Equal("approved", await Approved(s, old with { Secret = third["secret"].GetValue<string>() }, card));
        (await s.Api.Post(path, new { graceSeconds = 90_000 }, s.AdminToken)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");

        // Tenant-admins only, and audited without the secret.
        (await s.Api.Post(path, null, await s.UserToken("finance"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var other = await Scenario.Start(app);
        (await other.Api.Post($"{other.Base}/terminals/{old.Id}/rotate-secret", null, other.AdminToken)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        await using var session = Store.QuerySession();
        var entries = await session.Query<AuditEntry>().Where(e => e.TenantId == s.TenantId && e.Action == "terminal.secret-rotated").ToListAsync();
        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal(old.Id, e.Target));
        Assert.DoesNotContain(third["secret"].GetValue<string>(), string.Concat(entries.Select(e => e.Before + e.After)));
    }

    [Fact]
    public async Task A_disabled_terminal_is_refused_until_it_is_enabled_again()
    {
        var s = await Scenario.Start(app);
        var terminal = await s.Terminal();
        var (holder, card) = await s.CardHolder(cash: 10_000);
        await s.Disable(terminal);
        var declined = (await s.Api.Pay(terminal, card, 100)).Expect(HttpStatusCode.OK);
        Assert.Equal(("declined", "terminal_disabled"), (declined["status"].GetValue<string>(), declined["declineCode"].GetValue<string>()));
        Assert.Equal(10_000, await s.Balance(holder));

        var enabled = (await s.Api.Post($"{s.Base}/terminals/{terminal.Id}/enable", null, s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal("active", enabled["status"].GetValue<string>());
        Assert.Equal("approved", await Approved(s, terminal, card));
        (await s.Api.Post($"{s.Base}/terminals/{terminal.Id}/enable", null, await s.UserToken("cashier"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await using var session = Store.QuerySession();
        Assert.Single(await session.Query<AuditEntry>().Where(e => e.TenantId == s.TenantId && e.Action == "terminal.enabled").ToListAsync());
    }

    [Fact]
    public async Task A_rotated_his_secret_works_at_once_and_the_old_one_only_during_its_grace()
    {
        var h = await HospitalScenario.Start(app.Api(), null);
        var (patient, _) = await h.Patient();
        var path = $"{h.H}/his-clients/{h.His.Id}/rotate-secret";
        object Order(string id) => new { patientId = patient, visitId = "V1", hisOrderId = id, kind = "lab", description = "x", amount = 100 };

        var rotated = (await h.Api.Post(path, null, h.S.AdminToken)).Expect(HttpStatusCode.OK);
        var fresh = rotated["secret"].GetValue<string>();
        Assert.NotEqual(h.His.Secret, fresh);
        Assert.InRange(rotated["previousSecretUntil"].GetValue<DateTimeOffset>() - DateTimeOffset.UtcNow, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
        (await h.HisPost("/api/v1/his/orders", Order("H-new-1"), fresh)).Expect(HttpStatusCode.Created);
        (await h.HisPost("/api/v1/his/orders", Order("H-old-1"), h.His.Secret)).Expect(HttpStatusCode.Created);
        Assert.Empty(await TablesHolding(fresh));

        var second = (await h.Api.Post(path, new { graceSeconds = 2 }, h.S.AdminToken)).Expect(HttpStatusCode.OK)["secret"].GetValue<string>();
        (await h.HisPost("/api/v1/his/orders", Order("H-old-2"), h.His.Secret)).ExpectProblem(HttpStatusCode.Unauthorized, ErrorCodes.SignatureInvalid);
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await h.HisPost("/api/v1/his/orders", Order("H-old-3"), fresh)).ExpectProblem(HttpStatusCode.Unauthorized, ErrorCodes.SignatureInvalid);
        (await h.HisPost("/api/v1/his/orders", Order("H-new-2"), second)).Expect(HttpStatusCode.Created);

        (await h.Api.Post(path, null, await h.S.UserToken("finance"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        await using var session = Store.QuerySession();
        Assert.Equal(2, (await session.Query<AuditEntry>().Where(e => e.TenantId == h.S.TenantId && e.Action == "his-client.secret-rotated").ToListAsync()).Count);
    }
}
