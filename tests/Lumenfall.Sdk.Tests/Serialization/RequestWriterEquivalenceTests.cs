using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Lumenfall.Sdk.Serialization;

namespace Lumenfall.Sdk.Tests.Serialization;

/// <summary>
/// The generated JSON writers (what goes on the wire) against System.Text.Json's serializer over the same records'
/// source-generated contracts: for every request record of the catalog, every parameter set, the bytes must be the
/// same. The writers exist so a fresh process's first call builds no serializer metadata; this pins that they write
/// exactly what the contract describes (names, order, escaping, numbers, nested records, lists with null items).
/// </summary>
public class RequestWriterEquivalenceTests
{
    public static TheoryData<string> RecordTypes()
    {
        var data = new TheoryData<string>();
        foreach (Type type in ModelCatalog.All.SelectMany(m => m.RequestTypes).Distinct())
        {
            data.Add(type.FullName!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RecordTypes))]
    public void Every_parameter_set_is_written_byte_for_byte_as_the_serializer_writes_it(string typeName)
    {
        (ImageRequest request, JsonTypeInfo contract) = Create(typeName);
        foreach (JsonPropertyInfo property in contract.Properties.Where(p => p.Set is not null))
        {
            request.SetParameter(property.Name, Sample(property.PropertyType, contract.Options, property.Name));
        }

        request.AdditionalProperties.Should().BeEmpty("every parameter has a typed property");
        string expected = JsonSerializer.Serialize(request, contract);
        JsonNode.Parse(expected)!.AsObject().Count.Should().Be(contract.Properties.Count(p => p.Set is not null), "every parameter is written");

        Encoding.UTF8.GetString(request.ToJsonBytes()).Should().Be(expected);
        Encoding.UTF8.GetString(request.ToJsonBytes("model", "m\"1")).Should().Be("{\"model\":\"m\\u00221\"," + expected[1..]);
        request.ToJsonObject().ToJsonString().Should().Be(expected, "the multipart form and AdditionalProperties path read the same fields");
    }

    [Theory]
    [MemberData(nameof(RecordTypes))]
    public void An_empty_record_is_written_as_the_serializer_writes_it(string typeName)
    {
        (ImageRequest request, JsonTypeInfo contract) = Create(typeName);

        Encoding.UTF8.GetString(request.ToJsonBytes()).Should().Be(JsonSerializer.Serialize(request, contract));
        Encoding.UTF8.GetString(request.ToJsonBytes("model", "x")).Should().StartWith("{\"model\":\"x\"").And.EndWith("}");
    }

    [Fact]
    public void Additional_properties_come_after_the_typed_fields_and_replace_one_of_the_same_name()
    {
        var request = new GptImage2GenerationRequest("a fox") { ImageCount = 1 };
        request.AdditionalProperties["extra"] = new JsonArray(1, "two");

        Encoding.UTF8.GetString(request.ToJsonBytes("model", "gpt-image-2"))
            .Should().Be("""{"model":"gpt-image-2","prompt":"a fox","n":1,"extra":[1,"two"]}""");
    }

    [Fact]
    public void A_local_image_that_was_not_turned_into_a_url_fails_clearly_and_the_next_body_is_whole()
    {
        var request = new OmniImageRequest(OmniImageModel.GptImage2, "x") { Images = [ImageInput.FromBytes(new byte[] { 1, 2, 3 }, "image/png")] };

        Action write = () => request.ToJsonBytes();

        write.Should().Throw<InvalidOperationException>().WithMessage("*must be turned into a URL*");
        Encoding.UTF8.GetString(new GptImage2GenerationRequest("y").ToJsonBytes()).Should().Be("""{"prompt":"y"}""");
    }

    private static (ImageRequest Request, JsonTypeInfo Contract) Create(string typeName)
    {
        Type type = typeof(ImageRequest).Assembly.GetType(typeName, throwOnError: true)!;
        var request = (ImageRequest)Activator.CreateInstance(type)!;
        return (request, RequestJsonContext.Default.GetTypeInfo(type)!);
    }

    /// <summary>A JSON value the property's type reads, with text that needs escaping and numbers that need care.</summary>
    private static JsonNode? Sample(Type type, JsonSerializerOptions options, string name)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return $"{name}: \"quoted\" <b>&amp;</b> é ✓ \u0001 \\";
        }

        if (type == typeof(int))
        {
            return 7;
        }

        if (type == typeof(long))
        {
            return 9_007_199_254_740_993L;   // above 2^53
        }

        if (type == typeof(double))
        {
            return 0.1 + 0.2;
        }

        if (type == typeof(bool))
        {
            return false;
        }

        if (type == typeof(ImageInput))
        {
            return $"https://example.com/{name}.png?a=1&b=é";
        }

        if (type == typeof(ImageSize))
        {
            return "640x480";
        }

        if (type == typeof(AspectRatio))
        {
            return "16:9";
        }

        if (type == typeof(JsonObject))
        {
            return new JsonObject { ["k"] = new JsonArray(1, "x", null, 2.5), ["é"] = "<>" };
        }

        JsonTypeInfo info = options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Enumerable:
                Type element = info.ElementType!;
                var array = new JsonArray(Sample(element, options, name + "[0]"), Sample(element, options, name + "[1]"));
                if (!element.IsValueType)
                {
                    array.Add(null);
                }

                return array;
            case JsonTypeInfoKind.Object:
                var json = new JsonObject();
                foreach (JsonPropertyInfo property in info.Properties.Where(p => p.Set is not null))
                {
                    json[property.Name] = Sample(property.PropertyType, options, name + "." + property.Name);
                }

                return json;
            default:
                return $"{name}-value";   // the string-valued types (enums of the schemas, formats)
        }
    }
}
