using System.Net;
using System.Text.RegularExpressions;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SceneFinance.Tests.Campus;
using SceneFinance.Tests.Infrastructure;

namespace SceneFinance.Tests.Trust;

/// <summary>
/// Phones and ID numbers are sealed where they are kept (events, documents), and looked up by keyed digest: the raw rows hold
/// neither, while the API still shows them masked and a guardian still signs in by phone.
/// </summary>
[Collection(SharedCampusApp.Name)]
public sealed class PersonalDataAtRestSpecs(CampusApp app)
{
    /// <summary>
    /// Where a phone is kept because something must be sent to it: outgoing messages (the notifier retries them) and the
    /// sandbox's simulated inbox. Not looked up by anyone but the sender.
    /// </summary>
    static readonly string[] MessageTables = ["mt_doc_notification", "mt_doc_receivedmessage"];

    [Fact]
    public async Task Raw_rows_hold_no_clear_phone_or_ID_number_while_the_API_masks_them_and_a_guardian_signs_in_by_phone()
    {
        var guardianPhone = "13" + Random.Shared.NextInt64(100_000_000, 999_999_999);
        var holderPhone = "18" + Random.Shared.NextInt64(100_000_000, 999_999_999);
        var idNumber = "110105" + Random.Shared.NextInt64(10_000_000_000, 99_999_999_999) + "X";
        var s = await Scenario.Start(app, "campus");
        await s.ImportCsv(Roster.Csv(Roster.Row("0701", "小明", "一年级", "1班", "妈妈", guardianPhone)));
        var holder = (await s.Api.Post($"{s.Base}/cardholders", new
        {
            externalId = "T" + Guid.NewGuid().ToString("N")[..8], name = "李老师 Teacher", kind = "staff", cardNumber = Scenario.NewCardNumber(), idNumber, phone = holderPhone,
        }, s.AdminToken)).Expect(HttpStatusCode.Created);

        // Masked as before (api-v1.md).
        var shown = (await s.Api.Get($"{s.Base}/cardholders/{holder.Body.Str("id")}", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(("**************" + idNumber[^4..], holderPhone[..3] + "****" + holderPhone[^4..]), (shown.Body.Str("idNumber"), shown.Body.Str("phone")));
        var student = (await s.Api.Get($"{s.Base}/campus/students/0701", s.AdminToken)).Expect(HttpStatusCode.OK);
        Assert.Equal(guardianPhone[..3] + "****" + guardianPhone[^4..], student["guardians"]![0]!.Str("phone"));

        // Signing in by phone finds the school through the phone's digest.
        (await s.Api.Post("/api/v1/auth/one-time-codes", new { phone = guardianPhone }, null)).Expect(HttpStatusCode.OK);
        var page = await s.Api.Http.GetStringAsync($"/simulator/messages?to={guardianPhone}");
        var code = Regex.Match(page, "验证码 (\\d{6})").Groups[1].Value;
        var signedIn = (await s.Api.Post("/api/v1/auth/phone-token", new { phone = guardianPhone, code }, null)).Expect(HttpStatusCode.OK);
        Assert.Equal([s.TenantId], signedIn["tenantIds"]!.AsArray().Select(t => t!.GetValue<string>()));
        var children = (await s.Api.Get($"{s.Base}/campus/my/children", signedIn.Body.Str("accessToken"))).Expect(HttpStatusCode.OK)["items"]!.AsArray();
        Assert.Equal("0701", Assert.Single(children)!.Str("studentNumber"));
        (await s.Api.Get($"{s.Base}/campus/students/0701", signedIn.Body.Str("accessToken"))).Expect(HttpStatusCode.OK);

        var found = await RowsHolding(guardianPhone, holderPhone, idNumber);
        Assert.Equal([], found.Except(MessageTables));
    }

    /// <summary>Every event and document table whose raw JSON (or id) holds any of <paramref name="values"/>.</summary>
    async Task<List<string>> RowsHolding(params string[] values)
    {
        var store = app.Services.GetRequiredService<IDocumentStore>();
        await using var conn = store.Storage.Database.CreateConnection();
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("select table_name from information_schema.tables where table_schema = 'scenefinance' and (table_name like 'mt_doc_%' or table_name = 'mt_events')", conn))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        var found = new List<string>();
        foreach (var table in tables)
        {
            var idColumn = table == "mt_events" ? "stream_id" : "id";
            await using var look = new NpgsqlCommand(
                $"select count(*) from scenefinance.{table} where " + string.Join(" or ", values.Select((_, i) => $"data::text like @v{i} or {idColumn}::text like @v{i}")), conn);
            for (var i = 0; i < values.Length; i++) look.Parameters.AddWithValue($"v{i}", "%" + values[i] + "%");
            if ((long)(await look.ExecuteScalarAsync())! > 0) found.Add(table);
        }
        return found;
    }
}
