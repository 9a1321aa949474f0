using System.Globalization;
using System.Text;
using SceneFinance.Platform;
using SceneFinance.Platform.Exports;

namespace SceneFinance.BackOffice.Settling;

/// <summary>One line of a payout instruction file: the only place a whole account number is written.</summary>
public sealed record PayoutLine(string Reference, string Party, string BankName, string AccountName, string AccountNumber, long Amount, DateOnly Day);

/// <summary>
/// The payout instruction file for the bank's batch transfer system (one line per party, then a totals line) as .csv and .xlsx,
/// and a party's statement as .xlsx. Spreadsheets go through the platform's one writer: amounts are numeric yuan cells.
/// </summary>
public static class PayoutFiles
{
    public static IReadOnlyList<PayoutLine> Lines(IEnumerable<PayoutListing> payouts, AccountNumbers numbers) =>
        payouts.OrderBy(p => p.View.PartyName, StringComparer.Ordinal).ThenBy(p => p.Id).Select(p => new PayoutLine(p.Id, p.View.PartyName,
            p.View.BankName, p.View.AccountName, numbers.Reveal(p.ProtectedNumber), p.Amount, p.Day)).ToList();

    /// <summary>UTF-8 with a BOM (spreadsheet programs read Chinese names right), amounts as yuan with two decimals, a TOTAL line last.</summary>
    public static byte[] Csv(IReadOnlyList<PayoutLine> lines)
    {
        var csv = new StringBuilder("reference,payee,bank,account_name,account_number,amount_yuan,currency,business_day\r\n");
        foreach (var l in lines)
            csv.Append(string.Join(',', Field(l.Reference), Field(l.Party), Field(l.BankName), Field(l.AccountName), Field(l.AccountNumber),
                Yuan(l.Amount), "CNY", l.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))).Append("\r\n");
        csv.Append($"TOTAL,{lines.Count} payouts,,,,{Yuan(lines.Sum(l => l.Amount))},CNY,\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    static string Yuan(long fen) => Money.Yuan(fen).Replace(",", "", StringComparison.Ordinal);

    static string Field(string text) => text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;

    /// <summary>The same lines as a workbook: <paramref name="header"/> says each column in the reader's language; the totals row has no reference.</summary>
    public static byte[] Xlsx(IReadOnlyList<PayoutLine> lines, TimeZoneInfo zone, Func<string, string> header)
    {
        var rows = lines.Select(l => (PayoutLine?)l).Append(null).ToList(); // null: the totals row
        var total = lines.Sum(l => l.Amount);
        return Platform.Exports.Xlsx.Write(zone, Platform.Exports.Xlsx.Sheet(header("Payouts"), rows,
            Platform.Exports.Xlsx.Text<PayoutLine?>(header("Reference"), r => r?.Reference ?? header("Total")),
            Platform.Exports.Xlsx.Text<PayoutLine?>(header("Payee"), r => r?.Party ?? lines.Count.ToString(CultureInfo.InvariantCulture)),
            Platform.Exports.Xlsx.Text<PayoutLine?>(header("Bank"), r => r?.BankName),
            Platform.Exports.Xlsx.Text<PayoutLine?>(header("Account name"), r => r?.AccountName),
            Platform.Exports.Xlsx.Text<PayoutLine?>(header("Account number"), r => r?.AccountNumber),
            Platform.Exports.Xlsx.Yuan<PayoutLine?>(header("Amount"), r => r?.Amount ?? total),
            Platform.Exports.Xlsx.Date<PayoutLine?>(header("Business day"), r => r?.Day)));
    }

    /// <summary>A party's statement: the figures, then every line with its original time (a late item shows the day it happened).</summary>
    public static byte[] StatementXlsx(StatementWithLines s, TimeZoneInfo zone, Func<string, string> t)
    {
        var st = s.Statement;
        (string Label, long? Fen, long? Count)[] figures =
        [
            (t("Gross payments"), st.Gross, st.GrossCount), (t("Refunds and voids"), st.Refunds, st.RefundCount),
            (t("Funding"), st.Funding, st.FundingCount), (t("Fee"), st.Fee, null), (t("Net"), st.Net, null),
            (t("Carried in"), st.CarriedIn, null), (t("Payout"), st.Payout, null), (t("Carried forward"), st.CarriedOut, null),
            (t("Late items"), null, st.LateCount),
        ];
        return Platform.Exports.Xlsx.Write(zone,
            Platform.Exports.Xlsx.Sheet(t("Statement"), figures,
                Platform.Exports.Xlsx.Text<(string Label, long? Fen, long? Count)>($"{st.PartyName} {st.Day:yyyy-MM-dd}", r => r.Label),
                Platform.Exports.Xlsx.Yuan<(string Label, long? Fen, long? Count)>(t("Amount"), r => r.Fen),
                Platform.Exports.Xlsx.Number<(string Label, long? Fen, long? Count)>(t("Count"), r => r.Count)),
            Platform.Exports.Xlsx.Sheet(t("Lines"), s.Lines,
                Platform.Exports.Xlsx.Time<StatementLine>(t("Happened"), l => l.HappenedAt),
                Platform.Exports.Xlsx.Time<StatementLine>(t("Committed"), l => l.CommittedAt),
                Platform.Exports.Xlsx.Text<StatementLine>(t("Category"), l => t(l.Category)),
                Platform.Exports.Xlsx.Text<StatementLine>(t("Type"), l => l.Type),
                Platform.Exports.Xlsx.Yuan<StatementLine>(t("Amount"), l => l.Amount),
                Platform.Exports.Xlsx.Text<StatementLine>(t("Late"), l => l.Late ? t("Late") : "")));
    }
}
