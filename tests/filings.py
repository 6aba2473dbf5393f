"""Filing-like PDFs (annual and quarterly reports, English 10-K/10-Q style and a Chinese 年度报告)
made with known numbers: cover, prose sections that name the statement lines without their
numbers (as MD&A and risk factors do), then the statements as unruled tables under a caption
and a header row of years, a long one running over two pages. Each filing comes with
questions about one statement line in one year and the page that holds the answer.

python -m tests.filings DIR writes the PDFs and DIR/questions.jsonl (bench/filings.py reads them)."""

import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from tests.pdfs import cjk_font

PROSE_EN = [
    "We design, manufacture and sell storage systems and related services to enterprises, "
    "cloud providers and public agencies in more than forty countries.",
    "Our results depend on demand for data storage, on component prices and on our ability to "
    "introduce new products on time. Competition is intense and prices decline every year.",
    "Capital expenditures relate primarily to manufacturing equipment, data centers and leasehold "
    "improvements. We expect capital expenditures to increase next year as we expand capacity.",
    "Total assets increased mainly because of higher cash balances and inventory built ahead of "
    "product launches. We regularly review the recoverability of long-lived assets.",
    "Diluted earnings per share reflect the dilutive effect of stock options and restricted stock "
    "units under the treasury stock method. Share repurchases reduced the weighted average shares.",
    "Net cash provided by operating activities funds our operations, investments and dividends. "
    "We believe existing cash and cash equivalents will be sufficient for at least the next year.",
    "Revenue is recognized when control of the promised goods passes to the customer, generally "
    "upon shipment. Operating income and net income were affected by foreign exchange rates.",
]
PROSE_ZH = [
    "本公司主要从事存储设备的研发、生产和销售，产品销往国内外三十多个国家和地区。",
    "报告期内，公司资本性支出主要用于生产设备购置和数据中心建设，预计下一年度资本性支出将继续增加。",
    "资产总计较上年末增加，主要原因是货币资金和存货增加。公司定期评估长期资产的可收回金额。",
    "稀释每股收益考虑了股票期权和限制性股票的稀释影响。公司回购股份减少了加权平均股数。",
    "经营活动产生的现金流量净额能够满足公司日常经营、投资和分红的需要。",
    "营业收入在商品控制权转移给客户时确认。汇率波动对营业利润和净利润产生一定影响。",
]


@dataclass(frozen=True)
class Filing:
    """One report: who files it, its statements' line labels, the years of its columns."""

    name: str
    company: str
    form: str
    lang: str
    years: tuple[str, ...]
    capex: str  # how this filer names capital expenditure in its cash flow statement


FILINGS = [
    Filing("northwind-10k-2023.pdf", "Northwind Storage, Inc.", "FORM 10-K", "en", ("2023", "2022", "2021"),
           "Capital expenditures"),
    Filing("contoso-10k-2023.pdf", "Contoso Devices Corporation", "FORM 10-K", "en", ("2023", "2022", "2021"),
           "Purchases of property and equipment"),
    Filing("fabrikam-10q-2023q3.pdf", "Fabrikam Networks, Inc.", "FORM 10-Q", "en", ("2023", "2022"),
           "Payments for acquisition of property, plant and equipment"),
    Filing("xinghe-annual-2023.pdf", "星河科技股份有限公司", "2023年年度报告", "zh", ("2023年", "2022年"),
           "购建固定资产、无形资产和其他长期资产支付的现金"),
]  # fmt: skip

INCOME_EN = ["Net sales", "Cost of sales", "Gross margin", "Research and development",
             "Selling, general and administrative", "Total operating expenses", "Operating income",
             "Interest and other income, net", "Income before provision for income taxes",
             "Provision for income taxes", "Net income", "Earnings per share:", "Basic", "Diluted",
             "Shares used in computing earnings per share:", "Basic ", "Diluted "]  # fmt: skip
BALANCE_EN = ["ASSETS:", "Current assets:", "Cash and cash equivalents", "Marketable securities",
              "Accounts receivable, net", "Inventories", "Other current assets", "Total current assets",
              "Non-current assets:", "Property, plant and equipment, net", "Operating lease assets",
              "Goodwill", "Intangible assets, net", "Deferred tax assets", "Other non-current assets",
              "Total non-current assets", "Total assets", "LIABILITIES AND SHAREHOLDERS' EQUITY:",
              "Current liabilities:", "Accounts payable", "Accrued expenses", "Deferred revenue",
              "Commercial paper", "Current portion of term debt", "Total current liabilities",
              "Non-current liabilities:", "Term debt", "Operating lease liabilities",
              "Other non-current liabilities", "Total liabilities", "Shareholders' equity:",
              "Common stock and additional paid-in capital", "Retained earnings",
              "Accumulated other comprehensive loss", "Total shareholders' equity",
              "Total liabilities and shareholders' equity"]  # fmt: skip
CASH_EN = ["Operating activities:", "Net income", "Depreciation and amortization",
           "Share-based compensation expense", "Deferred income taxes", "Other non-cash items",
           "Changes in operating assets and liabilities:", "Accounts receivable, net", "Inventories",
           "Other current and non-current assets", "Accounts payable", "Deferred revenue",
           "Other current and non-current liabilities", "Cash generated by operating activities",
           "Investing activities:", "Purchases of marketable securities",
           "Proceeds from maturities of marketable securities", "CAPEX",
           "Payments made in connection with business acquisitions, net", "Other investing activities",
           "Cash used in investing activities", "Financing activities:",
           "Payments for taxes related to net share settlement",
           "Payments for dividends and dividend equivalents", "Repurchases of common stock",
           "Proceeds from issuance of term debt, net", "Repayments of term debt",
           "Proceeds from commercial paper, net", "Other financing activities",
           "Cash used in financing activities", "Increase in cash and cash equivalents",
           "Cash and cash equivalents, beginning balances", "Cash and cash equivalents, ending balances",
           "Supplemental cash flow disclosure:", "Cash paid for income taxes, net",
           "Cash paid for interest"]  # fmt: skip
INCOME_ZH = ["一、营业总收入", "其中：营业收入", "二、营业总成本", "其中：营业成本", "税金及附加", "销售费用",
             "管理费用", "研发费用", "财务费用", "三、营业利润", "加：营业外收入", "减：营业外支出",
             "四、利润总额", "减：所得税费用", "五、净利润", "六、每股收益：", "（一）基本每股收益（元/股）",
             "（二）稀释每股收益（元/股）"]  # fmt: skip
BALANCE_ZH = ["流动资产：", "货币资金", "交易性金融资产", "应收账款", "预付款项", "存货", "其他流动资产",
              "流动资产合计", "非流动资产：", "长期股权投资", "固定资产", "在建工程", "无形资产", "商誉",
              "递延所得税资产", "非流动资产合计", "资产总计", "流动负债：", "短期借款", "应付账款",
              "合同负债", "应付职工薪酬", "应交税费", "流动负债合计", "非流动负债：", "长期借款",
              "租赁负债", "非流动负债合计", "负债合计", "所有者权益：", "股本", "资本公积", "盈余公积",
              "未分配利润", "所有者权益合计", "负债和所有者权益总计"]  # fmt: skip
CASH_ZH = ["一、经营活动产生的现金流量：", "销售商品、提供劳务收到的现金", "收到的税费返还",
           "购买商品、接受劳务支付的现金", "支付给职工以及为职工支付的现金", "支付的各项税费",
           "经营活动产生的现金流量净额", "二、投资活动产生的现金流量：", "收回投资收到的现金",
           "取得投资收益收到的现金", "CAPEX", "投资支付的现金", "投资活动产生的现金流量净额",
           "三、筹资活动产生的现金流量：", "取得借款收到的现金", "偿还债务支付的现金",
           "分配股利、利润或偿付利息支付的现金", "筹资活动产生的现金流量净额", "四、现金及现金等价物净增加额",
           "加：期初现金及现金等价物余额", "五、期末现金及现金等价物余额"]  # fmt: skip

TITLES = {
    "en": ("CONSOLIDATED STATEMENTS OF OPERATIONS", "CONSOLIDATED BALANCE SHEETS",
           "CONSOLIDATED STATEMENTS OF CASH FLOWS"),
    "zh": ("合并利润表", "合并资产负债表", "合并现金流量表"),
}  # fmt: skip
UNITS = {"en": "(In millions, except per-share amounts)", "zh": "单位：万元 币种：人民币"}
ITEM = {"en": "", "zh": "项目"}


@dataclass(frozen=True)
class Question:
    filing: str
    question: str
    page: int
    line: str
    year: str
    value: str


def statement_lines(filing: Filing) -> list[list[str]]:
    zh = filing.lang == "zh"
    lines = [INCOME_ZH, BALANCE_ZH, CASH_ZH] if zh else [INCOME_EN, BALANCE_EN, CASH_EN]
    return [[filing.capex if label == "CAPEX" else label for label in labels] for labels in lines]


NOTES = {
    "en": [("Note 12 - Segment Information", ["Americas", "Europe", "Greater China", "Rest of Asia Pacific"],
            ["net sales", "operating income", "total assets", "capital expenditures"], None),
           ("Note 13 - Selected Quarterly Financial Data (Unaudited)",
            ["Net sales", "Gross margin", "Net income", "Basic earnings per share",
             "Diluted earnings per share"], [""],
            ("Fourth Quarter", "Third Quarter", "Second Quarter", "First Quarter"))],
    "zh": [("十二、分部信息", ["华东地区", "华南地区", "华北地区", "海外地区"],
            ["营业收入", "资产总额", "资本性支出"], None),
           ("十三、分季度主要财务数据", ["营业收入", "归属于上市公司股东的净利润", "基本每股收益"], [""],
            ("第一季度", "第二季度", "第三季度", "第四季度"))],
}  # fmt: skip


def _notes(pdf: FPDF, filing: Filing, rng: random.Random) -> None:
    """Notes with tables that repeat the statement lines' words for parts of the company (segments,
    quarters), with other numbers: a page that names "total assets" is not always the answer."""
    prose = PROSE_ZH if filing.lang == "zh" else PROSE_EN
    for title, parts, measures, columns in NOTES[filing.lang]:
        pdf.add_page()
        pdf.set_font("cjk", size=10)
        pdf.multi_cell(0, 6, f"{title}\n\n" + " ".join(rng.sample(prose, 3)))
        pdf.ln(4)
        heads = columns or filing.years
        width = 28 if columns else 36
        pdf.set_font("cjk", size=9)
        pdf.cell(190 - width * len(heads), 6, ITEM[filing.lang])
        for head in heads:
            pdf.cell(width, 6, head, align="R")
        pdf.ln(7)
        for measure in measures:
            for part in parts:
                label = f"{part} {measure}".strip() if filing.lang == "en" else f"{part}{measure}"
                pdf.cell(190 - width * len(heads), 5.5, label)
                for _ in heads:
                    pdf.cell(width, 5.5, value(rng, label), align="R")
                pdf.ln(5.5)
        pdf.ln(4)
        pdf.set_font("cjk", size=10)
        pdf.multi_cell(0, 6, " ".join(rng.sample(prose, 3)))


def value(rng: random.Random, label: str) -> str:
    if "per share" in label.lower() or label.strip() in ("Basic", "Diluted") or "每股收益" in label:
        return f"{rng.uniform(0.5, 9):.2f}"
    amount = rng.randint(120, 98000)
    return f"({amount:,})" if rng.random() < 0.25 else f"{amount:,}"


def write_filing(folder: Path, filing: Filing, seed: int) -> list[Question]:
    """The PDF of one filing; its questions with the page each answer stands on."""
    rng = random.Random(seed)
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", fname=str(cjk_font()))
    prose = PROSE_ZH if filing.lang == "zh" else PROSE_EN
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 10, f"{filing.form}\n\n{filing.company}\n")
    pdf.set_font("cjk", size=10)
    pdf.multi_cell(0, 6, " ".join(prose[:2]))
    for _ in range(6):  # business, risk factors, MD&A: the statement lines' words without numbers
        pdf.add_page()
        pdf.multi_cell(0, 6, "\n\n".join(rng.sample(prose, len(prose)) * 2))
    values: dict[tuple[str, str], tuple[str, int]] = {}
    for title, labels in zip(TITLES[filing.lang], statement_lines(filing), strict=True):
        values.update(_statement(pdf, filing, title, labels, rng))
    _notes(pdf, filing, rng)
    pdf.output(str(folder / filing.name))
    return _questions(filing, values)


def _statement(
    pdf: FPDF, filing: Filing, title: str, labels: list[str], rng: random.Random
) -> dict[tuple[str, str], tuple[str, int]]:
    """One statement as an unruled table; over 24 lines it goes on over the next page under
    its caption and header row again, as filings print them."""
    found: dict[tuple[str, str], tuple[str, int]] = {}
    width = 40 if filing.lang == "en" else 36
    first = True
    for start in range(0, len(labels), 24):
        pdf.add_page()
        pdf.set_font("cjk", size=11)
        suffix = "" if first else (" (continued)" if filing.lang == "en" else "（续）")
        pdf.multi_cell(0, 7, f"{filing.company}\n{title}{suffix}\n{UNITS[filing.lang]}", align="C")
        pdf.ln(3)
        pdf.set_font("cjk", size=9)
        pdf.cell(190 - width * len(filing.years), 6, ITEM[filing.lang])
        for year in filing.years:
            pdf.cell(width, 6, year, align="R")
        pdf.ln(7)
        for label in labels[start : start + 24]:
            heading = label.endswith((":", "：")) or label.isupper()
            pdf.cell(190 - width * len(filing.years), 5.5, label.strip())
            if not heading:
                dollar = (
                    "$ " if filing.lang == "en" and ("Total" in label or (start == 0 and not found)) else ""
                )
                for year in filing.years:
                    amount = value(rng, label)
                    pdf.cell(width, 5.5, dollar + amount, align="R")
                    found.setdefault((label, year), (amount, pdf.page_no()))
            pdf.ln(5.5)
        first = False
    return found


ASK_EN = [
    ("capital expenditure", "CAPEX"),
    ("total assets", "Total assets"),
    ("diluted EPS", "Diluted"),
    ("net cash provided by operating activities", "Cash generated by operating activities"),
    ("net sales", "Net sales"),
    ("total liabilities", "Total liabilities"),
    ("inventories on the balance sheet", "Inventories"),
    ("research and development expense", "Research and development"),
]
ASK_ZH = [
    ("资本性支出", "CAPEX"),
    ("资产总计", "资产总计"),
    ("稀释每股收益", "（二）稀释每股收益（元/股）"),
    ("经营活动产生的现金流量净额", "经营活动产生的现金流量净额"),
    ("营业收入", "其中：营业收入"),
    ("负债合计", "负债合计"),
]


def _questions(filing: Filing, values: dict[tuple[str, str], tuple[str, int]]) -> list[Question]:
    out = []
    zh = filing.lang == "zh"
    short = filing.company.split(",")[0].split(" ")[0] if not zh else filing.company[:2]
    for topic, label in ASK_ZH if zh else ASK_EN:
        line = filing.capex if label == "CAPEX" else label
        for year in filing.years[:2]:
            if (line, year) not in values:
                continue
            amount, page = values[(line, year)]
            text = f"{short}{year}的{topic}是多少？" if zh else f"What was {short}'s {topic} in {year}?"
            out.append(Question(filing.name, text, page, line, year, amount))
    return out


def write_filings(folder: Path) -> list[Question]:
    folder.mkdir(parents=True, exist_ok=True)
    questions = [q for n, f in enumerate(FILINGS) for q in write_filing(folder, f, seed=n)]
    with (folder / "questions.jsonl").open("w", encoding="utf-8") as out:
        for q in questions:
            out.write(json.dumps(q.__dict__, ensure_ascii=False) + "\n")
    return questions


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/docqa-filings")
    print(f"{len(write_filings(target))} questions over {len(FILINGS)} filings in {target}")
