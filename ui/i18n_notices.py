"""Reader warnings (ingest/notice.py codes) in the interface languages (merged into ui.i18n).
End users are told what happened and whom to ask, never a setting's name or an install command."""

NOTICE_STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "warn_ocr_off": "未启用文字识别（OCR）：第 {pages} 页没有文字，暂不可检索（管理员可启用 OCR）",
        "warn_ocr_off_picture": "未启用文字识别（OCR）：图片中的文字暂不可检索（管理员可启用 OCR）",
        "warn_ocr_missing": "服务器上的文字识别（OCR）暂不可用：第 {pages} 页没有文字，"
        "暂不可检索（请联系管理员）",
        "warn_ocr_missing_picture": "服务器上的文字识别（OCR）暂不可用：图片中的文字暂不可检索"
        "（请联系管理员）",
        "warn_ocr_deadline": "文字识别（OCR）到达时间上限而停止：第 {pages} 页没有文字，暂不可检索",
        "warn_ocr_failed": "第 {page} 页的文字识别（OCR）失败，保留了该页原有的文字层",
        "warn_office_pdf_failed": "未能转换为 PDF，已直接读取文件内容（引用中没有页码）",
        "warn_ocr_second_engine": "第 {page} 页的文字识别（OCR）出错一次，已用另一个识别引擎重新识别",
        "warn_ocr_second_engine_picture": "图片的文字识别（OCR）出错一次，已用另一个识别引擎重新识别",
    },
    "en": {
        "warn_ocr_off": "OCR is off on this server: pages {pages} have no text and are not searchable "
        "(an admin can turn OCR on)",
        "warn_ocr_off_one": "OCR is off on this server: page {pages} has no text and is not searchable "
        "(an admin can turn OCR on)",
        "warn_ocr_off_picture": "OCR is off on this server: the picture's text is not searchable "
        "(an admin can turn OCR on)",
        "warn_ocr_missing": "OCR is not available on this server: pages {pages} have no text and are not "
        "searchable (tell an admin)",
        "warn_ocr_missing_one": "OCR is not available on this server: page {pages} has no text and is not "
        "searchable (tell an admin)",
        "warn_ocr_deadline": "OCR stopped at the time limit: pages {pages} have no text and are not "
        "searchable",
        "warn_ocr_deadline_one": "OCR stopped at the time limit: page {pages} has no text and is not "
        "searchable",
        "warn_ocr_missing_picture": "OCR is not available on this server: the picture's text is not "
        "searchable (tell an admin)",
        "warn_ocr_failed": "OCR failed on page {page}, so it keeps its text layer",
        "warn_office_pdf_failed": "The file could not be converted to PDF, so it was read directly "
        "(citations show no page numbers)",
        "warn_ocr_second_engine": "OCR failed once on page {page}; the page was read again with the other "
        "OCR engine",
        "warn_ocr_second_engine_picture": "OCR failed once on the picture; it was read again with the other "
        "OCR engine",
    },
}  # fmt: skip
