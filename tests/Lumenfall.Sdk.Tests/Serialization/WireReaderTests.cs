using System.Text;
using System.Text.Json;
using Lumenfall.Sdk.Serialization;
using Lumenfall.Sdk.Transports;
using Lumenfall.Sdk.Transports.Lumenfall;
using Lumenfall.Sdk.Transports.OmniRouters;

namespace Lumenfall.Sdk.Tests.Serialization;

/// <summary>
/// The hand-written readers of the images reply (<see cref="WireJson"/>) keep the rules the source-generated contract
/// kept before them: exact names (escapes resolved), unknown fields skipped, the last repeat wins, null leaves a field
/// null, a value of the wrong kind or trailing content is a <see cref="JsonException"/>, bad text never fails a reply.
/// </summary>
public class WireReaderTests
{
    private static LumenfallImagesResponse Lumenfall(string json) => WireJson.Read(Encoding.UTF8.GetBytes(json), LumenfallImagesResponse.Read);

    private static OmniRoutersImagesResponse OmniRouters(string json) => WireJson.Read(Encoding.UTF8.GetBytes(json), OmniRoutersImagesResponse.Read);

    [Fact]
    public void A_full_gateway_reply_is_read_field_by_field()
    {
        LumenfallImagesResponse body = Lumenfall("""
            {
              "id": "img_1", "created": 1767225600, "size": "1024x1024", "output_format": "png",
              "data": [ { "url": "https://cdn/a.png", "revised_prompt": "a cat", "b64_json_ref": 0 }, null, {} ],
              "usage": { "input_tokens": 10, "output_tokens": 20, "total_tokens": 30,
                         "input_tokens_details": { "text_tokens": 7, "image_tokens": 3 },
                         "output_tokens_details": { "text_tokens": 0, "image_tokens": 20 } },
              "metadata": { "model": "gpt-image-2", "executed_model": "gpt-image-2-2026", "provider": "openai",
                            "provider_name": "OpenAI", "cost": 0.0425, "cost_currency": "USD" },
              "error": { "message": "kept as JSON", "n": [1, 2] }, "error_code": "none"
            }
            """);

        (body.Id, body.Created, body.Size, body.OutputFormat, body.ErrorCode).Should().Be(("img_1", 1767225600L, "1024x1024", "png", "none"));
        body.Data.Should().HaveCount(3);
        (body.Data![0]!.Url, body.Data[0]!.RevisedPrompt, body.Data[0]!.Base64Ref).Should().Be(("https://cdn/a.png", "a cat", 0));
        body.Data[1].Should().BeNull("a null item is kept for the mapper to report");
        (body.Data[2]!.Url, body.Data[2]!.Base64Ref).Should().Be((null, null));
        WireUsage usage = body.Usage!;
        (usage.InputTokens, usage.OutputTokens, usage.TotalTokens).Should().Be((10L, 20L, 30L));
        (usage.InputTokensDetails!.TextTokens, usage.InputTokensDetails.ImageTokens, usage.OutputTokensDetails!.ImageTokens).Should().Be((7L, 3L, 20L));
        LumenfallMetadata metadata = body.Metadata!;
        (metadata.Model, metadata.ExecutedModel, metadata.Provider, metadata.ProviderName, metadata.Cost, metadata.CostCurrency)
            .Should().Be(("gpt-image-2", "gpt-image-2-2026", "openai", "OpenAI", 0.0425m, "USD"));
        body.Error!.Value.GetProperty("n")[1].GetInt32().Should().Be(2, "the error is a copy that outlives the body's buffer");
    }

    [Fact]
    public void An_async_task_reply_is_read_field_by_field()
    {
        OmniRoutersImagesResponse body = OmniRouters("""
            {"id":"","task_id":"task_9","status":"failed","created":"1767225600","data":[],"usage":null,"error":"quota","message":"out of credit"}
            """);

        (body.Id, body.TaskId, body.Status, body.Created, body.Usage, body.Message).Should().Be(("", "task_9", "failed", 1767225600L, null, "out of credit"));
        body.Data.Should().BeEmpty();
        body.Error!.Value.GetString().Should().Be("quota");
    }

    [Fact]
    public void Names_match_exactly_with_escapes_resolved_unknown_fields_are_skipped_and_the_last_repeat_wins()
    {
        LumenfallImagesResponse body = Lumenfall("""
            {"\u0069d":"escaped name","ID":"other case","extra":{"deep":[{"id":"not ours"},[1,{"x":null}]]},
             "created":1,"created":2,"metadata":{"cost":"0.5","Cost":9,"unknown":true},"output_format":null}
            """);

        (body.Id, body.Created, body.Metadata!.Cost, body.OutputFormat).Should().Be(("escaped name", 2L, 0.5m, null));
    }

    [Fact]
    public void A_quoted_number_with_escapes_is_read_as_its_unescaped_text_is()
    {
        LumenfallImagesResponse body = Lumenfall("""{"created":"\u0031\u0032","metadata":{"cost":"1\u002e5"}}""");

        (body.Created, body.Metadata!.Cost).Should().Be((12L, 1.5m));
    }

    [Fact]
    public void Bad_text_from_the_server_is_replaced_not_thrown()
    {
        byte[] json = [.. "{\"id\":\"a"u8, 0xFF, .. "b\",\"size\":\"\\ud83d\"}"u8];

        LumenfallImagesResponse body = WireJson.Read(json, LumenfallImagesResponse.Read);

        (body.Id, body.Size).Should().Be(("a\uFFFDb", "\uFFFD"));
    }

    [Theory]
    [InlineData("""{"id":5}""", "a string where a number is")]
    [InlineData("""{"created":"soon"}""", "a quoted word where a time belongs")]
    [InlineData("""{"created":1.5}""", "a fraction where whole seconds belong")]
    [InlineData("""{"created":true}""", "a boolean where a time belongs")]
    [InlineData("""{"data":{}}""", "an object where a list belongs")]
    [InlineData("""{"data":[5]}""", "a number where an item belongs")]
    [InlineData("""{"data":[{"b64_json_ref":"0"}]}""", "a string where the image index belongs")]
    [InlineData("""{"usage":[]}""", "a list where usage belongs")]
    [InlineData("""{"usage":{"input_tokens":"7"}}""", "token counts are never read from strings")]
    [InlineData("""{"metadata":{"cost":"free"}}""", "a cost that is no number")]
    [InlineData("""{"created":"5\u0000"}""", "an escaped control character after the digits")]
    [InlineData("""{"created":" 5"}""", "a space before a quoted number")]
    [InlineData("""{"metadata":{"cost":"\u00205"}}""", "an escaped space before a quoted number")]
    [InlineData("""{"created":"\ud800"}""", "a lone surrogate where a quoted number belongs")]
    [InlineData("""[]""", "a list as the body")]
    [InlineData("""null""", "JSON null as the body")]
    [InlineData("""{}{}""", "a second value after the body")]
    [InlineData("""{} x""", "trailing text after the body")]
    [InlineData("""{"id":"a",}""", "a trailing comma")]
    [InlineData("", "an empty body")]
    [InlineData("""{"id":"a" """, "a body cut short")]
    public void A_reply_of_the_wrong_shape_is_a_json_exception(string json, string because)
    {
        Action read = () => Lumenfall(json);

        read.Should().ThrowExactly<JsonException>(because);
    }

    [Fact]
    public void A_body_nested_deeper_than_64_levels_is_a_json_exception_not_a_stack_overflow()
    {
        string json = "{\"extra\":" + new string('[', 100) + new string(']', 100) + "}";

        Action read = () => Lumenfall(json);

        read.Should().ThrowExactly<JsonException>();
    }
}
