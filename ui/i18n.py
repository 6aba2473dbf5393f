"""Interface text in Chinese and English. The answer language follows the question, not this."""

from ui.i18n_jobs import JOB_STRINGS
from ui.i18n_notices import NOTICE_STRINGS
from ui.i18n_team import TEAM_STRINGS

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "文档问答",
        "interface": "界面语言",
        "chat": "问答",
        "library": "文档库",
        "upload": "上传 PDF、Word、PowerPoint、Excel、CSV、网页、图片（PNG/JPG）或 TXT/MD 文件"
        "（可多选、可拖放），上传后自动建立索引",
        "too_big": "{name}：文件大小 {size:.1f} MB，超过上限 {mb} MB",
        "parsing": "{name}：正在解析…",
        "embedding": "{name}：正在向量化 {done}/{total}",
        "added": "{name}：{pages} 页，{chunks} 个段落，语言 {lang}",
        "unchanged": "{name}：已在文档库中",
        "no_text_pages": "以下页面没有文字层（暂不可检索）：{pages}",
        "failed": "{name}：{error}",
        "password": "{name} 已加密，请输入密码",
        "unlock": "解锁并导入",
        "search_docs": "按文件名搜索",
        "documents": "共 {count} 个文档",
        "delete": "删除所选文档",
        "confirm_delete": "确认删除 {count} 个文档？此操作无法撤销。",
        "yes_delete": "确认删除",
        "cancel": "取消",
        "deleted": "已删除 {count} 个文档",
        "empty_library": "文档库为空：请先在“文档库”页上传文件。",
        "filter": "只在这些文档中提问",
        "all_docs": "（全部文档）",
        "new_chat": "新对话",
        "ask": "输入问题，中文或英文均可",
        "sources": "引用来源",
        "other_sources": "其他检索到的段落（未被引用）",
        "closest": "最接近的段落（未能回答问题）",
        "source_label": "[{n}] {doc} 第 {page} 页",
        "source_place": "[{n}] {doc}，{place}",
        "place_slide": "第 {n} 张幻灯片",
        "place_rows": "第 {first}–{last} 行",
        "place_start": "开头",
        "unsupported": "{name}：不支持的文件类型 {suffix}。支持：{supported}",
        "llm_on": "大模型：{model}",
        "llm_off": "未配置大模型：回答为原文摘录",
        "llm_off_admin": "管理员：设置 RAG_LLM_BASE_URL 即可启用大模型（见 README）",
        "llm_down": "大模型服务 {url} 无法连接：回答为原文摘录",
        "col_name": "文件名", "col_pages": "页数", "col_lang": "语言", "col_chunks": "段落数",
        "col_added": "添加时间", "col_no_text": "无文字页",
        "col_collection": "知识库", "col_size": "大小",
        "limit": "每个文件不超过 {mb} MB，每次上传合计不超过 {total} MB，每个文件不超过 {pages} 页",
        "too_much": "本次上传合计 {size:.0f} MB，超过上限 {total} MB：请分批上传",
        "warning": "注意（{name}）：{warning}",
        "storage_full": "服务器的数据目录已满，文件未能保存。文档库没有变化，仍可正常提问；"
        "请管理员清理磁盘空间后重新上传。",
        "storage_read_only": "服务器的数据目录是只读的，无法添加文件。文档库没有变化，仍可正常提问；"
        "请联系管理员。",
        "collection": "上传到知识库",
        "no_collection": "你还没有任何知识库的权限，无法上传：请联系管理员。",
        "login": "登录",
        "login_oidc": "使用单点登录（OIDC）登录",
        "user_name": "用户名",
        "user_password": "密码",
        "login_failed": "用户名或密码错误。",
        "logout": "退出登录",
        "oidc_missing": "单点登录尚未配置完整，暂时无法登录：请联系管理员（配置方法见 README 的登录一节）。",
        "signed_in": "已登录：{user}",
        "html_lang": "zh",
        "other_language": "English",
        "signin_needed": "请先登录，或登录已结束（已退出、已过期或密码已更改）。",
        "signin_unmounted": "登录页没有启动，暂时无法登录：请联系管理员"
        "（应用应以 make run 启动，见 README）。",
        "signin_refused": "登录请求来自其他网站，已拒绝。",
        "signin_locked": "失败次数过多，此用户名或地址已暂时锁定：请约 {minutes} 分钟后再试。",
        "users_damaged": "用户文件已损坏，暂时无法登录：请管理员从备份恢复（见 README）。",
        "library_damaged": "文档库数据库已损坏：请管理员从备份恢复（见 README）。",
        "data_unwritable": "数据目录不可写：请管理员检查其权限与磁盘。",
        "disk_full": "磁盘已满：请管理员释放空间。",
        "error_generic": "出现意外错误，已记录在服务器日志中。请刷新页面重试；若仍出现，请联系管理员。",
        "no_access": "你的账号 {user} 还没有任何知识库的权限：请联系管理员为你开通。",
        "queued": "{name}：已加入索引队列",
        "still_indexing": "还有 {count} 个文件正在建立索引：本回答只依据已完成索引的文档。",
        "indexing_now": "{count} 个文件正在建立索引，完成后即可检索。",
        "doc_label": "{name} · {collection} · {added} · {size}",
    },
    "en": {
        "title": "Document Q&A",
        "interface": "Interface language",
        "chat": "Chat",
        "library": "Library",
        "upload": "Upload PDF, Word, PowerPoint, Excel, CSV, web pages, pictures (PNG/JPG) or TXT/MD files "
        "(several at once, drag and drop); indexing starts right away",
        "too_big": "{name}: {size:.1f} MB is over the {mb} MB limit",
        "parsing": "{name}: parsing…",
        "embedding": "{name}: embedding {done}/{total}",
        "added": "{name}: {pages} pages, {chunks} passages, language {lang}",
        "unchanged": "{name}: already in the library",
        "no_text_pages": "Pages without a text layer (not searchable yet): {pages}",
        "failed": "{name}: {error}",
        "password": "{name} is encrypted: enter its password",
        "unlock": "Unlock and add",
        "search_docs": "Search by file name",
        "documents": "{count} documents",
        "documents_one": "1 document",
        "delete": "Delete selected documents",
        "confirm_delete": "Delete {count} documents? This cannot be undone.",
        "confirm_delete_one": "Delete 1 document? This cannot be undone.",
        "yes_delete": "Yes, delete",
        "cancel": "Cancel",
        "deleted": "Deleted {count} documents",
        "deleted_one": "Deleted 1 document",
        "empty_library": "The library is empty: upload files on the Library tab first.",
        "filter": "Ask only these documents",
        "all_docs": "(all documents)",
        "new_chat": "New conversation",
        "ask": "Ask a question, in Chinese or English",
        "sources": "Sources",
        "other_sources": "Other retrieved passages (not cited)",
        "closest": "Closest passages (they do not answer the question)",
        "source_label": "[{n}] {doc}, p. {page}",
        "source_place": "[{n}] {doc}, {place}",
        "place_slide": "slide {n}",
        "place_rows": "rows {first}–{last}",
        "place_start": "beginning",
        "unsupported": "{name}: files of type {suffix} cannot be read. Supported: {supported}",
        "llm_on": "Language model: {model}",
        "llm_off": "No language model configured: answers quote the documents",
        "llm_off_admin": "Admins: set RAG_LLM_BASE_URL to use a language model (see the README)",
        "llm_down": "The language model at {url} is not reachable: answers quote the documents",
        "col_name": "File", "col_pages": "Pages", "col_lang": "Language", "col_chunks": "Passages",
        "col_added": "Added", "col_no_text": "Pages without text",
        "col_collection": "Collection", "col_size": "Size",
        "limit": "up to {mb} MB per file, {total} MB per upload, {pages} pages per file",
        "too_much": "{size:.0f} MB in this upload is over the {total} MB limit: upload fewer files at a time",
        "warning": "Note ({name}): {warning}",
        "storage_full": "The server's data directory is full, so the file was not stored. The library is "
        "unchanged and questions still work; ask an admin to free disk space, then upload again.",
        "storage_read_only": "The server's data directory is read-only, so files cannot be added. The "
        "library is unchanged and questions still work; ask an admin.",
        "collection": "Add to collection",
        "no_collection": "You are not a member of any collection yet, so you cannot upload: ask an admin.",
        "login": "Sign in",
        "login_oidc": "Sign in with single sign-on (OIDC)",
        "user_name": "User name",
        "user_password": "Password",
        "login_failed": "Wrong user name or password.",
        "logout": "Sign out",
        "oidc_missing": "Single sign-on is not fully set up, so nobody can sign in yet: tell an admin "
        "(the README's sign-in section says how).",
        "signed_in": "Signed in as {user}",
        "html_lang": "en",
        "other_language": "中文",
        "signin_needed": "Please sign in: you have not signed in yet, or your sign-in ended "
        "(signed out, expired, or the password changed).",
        "signin_unmounted": "The sign-in page is not running, so nobody can sign in yet: tell an admin "
        "(the app is started with make run: see the README).",
        "signin_refused": "The sign-in came from another site and was refused.",
        "signin_locked": "Too many failed sign-ins: this user name or address is locked for now. "
        "Try again in about {minutes} min.",
        "users_damaged": "The users file is damaged, so nobody can sign in: an admin must restore it "
        "from a backup (see the README).",
        "library_damaged": "The library database is damaged: an admin must restore it from a backup "
        "(see the README).",
        "data_unwritable": "The data directory can't be written: an admin must check its permissions "
        "and disk.",
        "disk_full": "The disk is full: an admin must free space.",
        "error_generic": "Something unexpected went wrong; it is in the server's log. Reload the page "
        "to try again, and tell an admin if it happens again.",
        "no_access": "Your account {user} is not a member of any collection yet: ask an admin to add you "
        "to one.",
        "queued": "{name}: queued for indexing",
        "still_indexing": "{count} files are still being indexed: this answer uses only the documents "
        "indexed so far.",
        "still_indexing_one": "1 file is still being indexed: this answer uses only the documents "
        "indexed so far.",
        "indexing_now": "{count} files are being indexed; they become searchable when done.",
        "indexing_now_one": "1 file is being indexed; it becomes searchable when done.",
        "doc_label": "{name} · {collection} · {added} · {size}",
    },
}  # fmt: skip


def default_language(locale: str | None, accept_language: str | None) -> str:
    """zh when the browser prefers Chinese, else en."""
    preferred = (locale or accept_language or "").lower()
    return "zh" if preferred.startswith("zh") else "en"


for _lang, _more in TEAM_STRINGS.items():  # conversations, feedback, admin: kept in their own module
    STRINGS[_lang].update(_more)
for _lang, _more in NOTICE_STRINGS.items():  # reader warnings
    STRINGS[_lang].update(_more)
for _lang, _more in JOB_STRINGS.items():  # indexing jobs and why one failed
    STRINGS[_lang].update(_more)
