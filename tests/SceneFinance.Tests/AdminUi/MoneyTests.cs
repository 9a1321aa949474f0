using SceneFinance.Platform;
using SceneFinance.AdminUi.Shell;

namespace SceneFinance.Tests.AdminUi;

public sealed class MoneyTests
{
    [Theory]
    [InlineData(0, "0.00")]
    [InlineData(5, "0.05")]
    [InlineData(2050, "20.50")]
    [InlineData(-5, "-0.05")]
    [InlineData(123456789, "1,234,567.89")]
    [InlineData(long.MinValue, "-92,233,720,368,547,758.08")]
    public void Fen_show_as_yuan_with_two_decimals(long fen, string yuan) => Assert.Equal(yuan, Money.Yuan(fen));

    [Theory]
    [InlineData("12", 1200L)]
    [InlineData("12.5", 1250L)]
    [InlineData(" 12.50 ", 1250L)]
    [InlineData("0.01", 1L)]
    [InlineData("1000000", 100000000L)]
    [InlineData("12.345", null)]
    [InlineData("-1", null)]
    [InlineData("1,000", null)]
    [InlineData("1e3", null)]
    [InlineData(".5", null)]
    [InlineData("5.", null)]
    [InlineData("", null)]
    [InlineData("abc", null)]
    [InlineData("99999999999999", null)]
    public void Yuan_typed_by_a_person_parse_to_fen_or_nothing(string text, long? fen) => Assert.Equal(fen, Money.ParseYuan(text));
}
