using SceneFinance.AdminUi.Shell;

namespace SceneFinance.Tests.AdminUi;

/// <summary>The shell's word lists, without a host.</summary>
public sealed class TextTests
{
    [Fact]
    public void Each_english_word_has_one_translation_whichever_area_uses_it()
    {
        // The word lists are checked when first read: an English key in two areas throws here, naming it.
        var text = new Text();
        Assert.Equal("登录", text["Sign in"]);
        Assert.Equal("加入时间", text["Added on"]); // the risk list's column; "Added" is the import's count
        Assert.Equal("新增", text["Added"]);
        text.Use(Text.English);
        Assert.Equal("Sign in", text["Sign in"]);
    }
}
