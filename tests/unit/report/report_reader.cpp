// GMime reads what our writer wrote; nothing here shares code with the writer.
#include "report_reader.hpp"

#include <memory>

#include <gmime/gmime.h>

#include "fightback/mail/gmime_handle.hpp"

namespace fightback::report::testing {
namespace {

template <typename T>
using Ptr = mail::GObjectPtr<T>;

std::string object_text(GMimeObject* object)
{
    if (!GMIME_IS_PART(object))
        return {};
    GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(object));
    if (!content)
        return {};
    Ptr<GMimeStream> out(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, out.get());
    GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
    return std::string(reinterpret_cast<const char*>(array->data), array->len);
}

std::string type_of(GMimeObject* object)
{
    GMimeContentType* type = g_mime_object_get_content_type(object);
    std::unique_ptr<char, decltype(&g_free)> text(g_mime_content_type_get_mime_type(type), g_free);
    return text ? text.get() : "";
}

} // namespace

std::vector<std::string> top_header_names(const std::string& bytes)
{
    std::vector<std::string> names;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        auto eol = bytes.find('\n', pos);
        if (eol == std::string::npos)
            eol = bytes.size();
        std::string line = bytes.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            break;
        if (line[0] != ' ' && line[0] != '\t')
            names.push_back(line.substr(0, line.find(':')));
        pos = eol + 1;
    }
    return names;
}

ReadReport read_report(const std::string& bytes)
{
    mail::ensure_gmime();
    ReadReport r;
    Ptr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
    Ptr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    Ptr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
    if (!message)
        return r;
    GMimeObject* top = g_mime_message_get_mime_part(message.get());
    if (!top)
        return r;
    r.parsed = true;
    r.content_type = type_of(top);
    if (const char* rt = g_mime_object_get_content_type_parameter(top, "report-type"))
        r.report_type = rt;
    GMimeHeaderList* list = g_mime_object_get_header_list(GMIME_OBJECT(message.get()));
    for (int i = 0; i < g_mime_header_list_get_count(list); ++i) {
        GMimeHeader* h = g_mime_header_list_get_header_at(list, i);
        r.headers[g_mime_header_get_name(h)].push_back(g_mime_header_get_value(h));
    }
    if (!GMIME_IS_MULTIPART(top))
        return r;
    auto* multipart = GMIME_MULTIPART(top);
    for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i) {
        GMimeObject* part = g_mime_multipart_get_part(multipart, i);
        r.part_types.push_back(type_of(part));
        if (i == 0) {
            r.letter = object_text(part);
        } else if (i == 1) {
            std::string text = object_text(part);
            std::size_t pos = 0;
            while (pos < text.size()) {
                auto eol = text.find('\n', pos);
                if (eol == std::string::npos)
                    eol = text.size();
                std::string line = text.substr(pos, eol - pos);
                if (!line.empty() && line.back() == '\r')
                    line.pop_back();
                auto colon = line.find(':');
                if (colon != std::string::npos) {
                    std::string value = line.substr(colon + 1);
                    while (!value.empty() && value.front() == ' ')
                        value.erase(value.begin());
                    r.fields.emplace(line.substr(0, colon), value);
                }
                pos = eol + 1;
            }
        } else if (i == 2) {
            if (GMIME_IS_MESSAGE_PART(part)) {
                GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
                std::unique_ptr<char, decltype(&g_free)> text(
                    g_mime_object_to_string(GMIME_OBJECT(inner), nullptr), g_free);
                r.attached = text ? text.get() : "";
            } else {
                r.attached = object_text(part);
            }
        }
    }
    return r;
}

} // namespace fightback::report::testing
