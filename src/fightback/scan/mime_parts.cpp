// Walking GMime's tree of parts; decoding through a memory stream.
#include "fightback/scan/mime_parts.hpp"

#include <memory>

#include <fmt/format.h>

#include "fightback/mail/gmime_handle.hpp"
#include "fightback/util/text.hpp"

namespace fightback::scan {
namespace {

constexpr int max_depth = 32;

struct GFree {
    void operator()(char* p) const { g_free(p); }
};

std::string mime_type(GMimeObject* object)
{
    GMimeContentType* type = g_mime_object_get_content_type(object);
    if (!type)
        return "text/plain";
    std::unique_ptr<char, GFree> text(g_mime_content_type_get_mime_type(type));
    return text ? printable(text.get()) : std::string("text/plain");
}

std::string child_number(const std::string& parent, std::size_t index)
{
    return parent.empty() ? std::to_string(index) : fmt::format("{}.{}", parent, index);
}

template <typename Visit>
void walk(GMimeObject* object, const std::string& number, int depth, Visit&& visit)
{
    if (!object || depth > max_depth)
        return;
    if (GMIME_IS_MULTIPART(object)) {
        auto* multipart = GMIME_MULTIPART(object);
        const int count = g_mime_multipart_get_count(multipart);
        for (int i = 0; i < count; ++i)
            walk(g_mime_multipart_get_part(multipart, i),
                 child_number(number, static_cast<std::size_t>(i) + 1), depth + 1, visit);
        return;
    }
    if (GMIME_IS_MESSAGE_PART(object)) {
        GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
        if (!inner)
            return;
        GMimeObject* body = g_mime_message_get_mime_part(inner);
        // The body of an attached single-part message is its part "N.1".
        walk(body, GMIME_IS_MULTIPART(body) ? number : child_number(number, 1), depth + 1, visit);
        return;
    }
    if (GMIME_IS_PART(object))
        if (!visit(GMIME_PART(object), number.empty() ? std::string("1") : number))
            return;
}

} // namespace

std::string MimeLeaf::label() const
{
    if (filename.empty())
        return fmt::format("part {} ({})", number, content_type);
    return fmt::format("part {} '{}' ({})", number, filename, content_type);
}

std::vector<MimeLeaf> decoded_leaves(GMimeMessage* message, std::size_t max_parts)
{
    std::vector<MimeLeaf> out;
    if (!message)
        return out;
    walk(g_mime_message_get_mime_part(message), "", 0, [&](GMimePart* part, const std::string& number) {
        if (out.size() >= max_parts)
            return false;
        MimeLeaf leaf;
        leaf.number = number;
        leaf.content_type = mime_type(GMIME_OBJECT(part));
        if (const char* name = g_mime_part_get_filename(part))
            leaf.filename = printable(std::string_view(name).substr(0, 200));
        if (GMimeDataWrapper* content = g_mime_part_get_content(part)) {
            mail::GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new());
            g_mime_data_wrapper_write_to_stream(content, stream.get());
            GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
            if (bytes && bytes->len > 0)
                leaf.data.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
        }
        out.push_back(std::move(leaf));
        return true;
    });
    return out;
}

bool is_html_only(GMimeMessage* message)
{
    if (!message)
        return false;
    bool html = false;
    bool plain = false;
    int seen = 0;
    walk(g_mime_message_get_mime_part(message), "", 0, [&](GMimePart* part, const std::string&) {
        if (++seen > 256)
            return false;
        GMimeContentType* type = g_mime_object_get_content_type(GMIME_OBJECT(part));
        const bool is_text = !type || g_mime_content_type_is_type(type, "text", "*");
        if (!is_text)
            return true;
        if (type && g_mime_content_type_is_type(type, "text", "html"))
            html = true;
        else if ((!type || g_mime_content_type_is_type(type, "text", "plain")) &&
                 !g_mime_part_is_attachment(part))
            plain = true;
        return true;
    });
    return html && !plain;
}

} // namespace fightback::scan
