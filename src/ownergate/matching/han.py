"""Common Chinese organisation words with their English equivalents, so that a name written in Han
characters can match its English list entry (中国电子科技集团公司 -> "china electronics science
and technology group company").

:func:`translate` segments Han text by longest dictionary match. Place names in the dictionary
take their usual spelling (北京 beijing); other runs of Han characters become pinyin, joined two
syllables a word, as Chinese proper names are printed in English ("haige", "huawei").
"""

from __future__ import annotations

from functools import lru_cache

from ownergate.matching.normalise import ascii_fold
from ownergate.matching.transliterate import has_han, pinyin

WORDS: dict[str, str] = {
    # organisation forms and kinds
    "股份有限公司": "co ltd", "有限责任公司": "co ltd", "有限責任公司": "co ltd", "有限公司": "co ltd",
    "总公司": "corporation",
    "公司": "company", "集团": "group", "控股": "holdings", "研究所": "research institute",
    "研究院": "research institute", "研究中心": "research center", "中心": "center", "大学": "university",
    "学院": "institute", "科学院": "academy of sciences", "工厂": "factory", "厂": "factory",
    "分公司": "branch", "银行": "bank", "局": "bureau", "部": "ministry", "委员会": "commission",
    # fields
    "电子": "electronics", "科技": "science and technology", "技术": "technology", "科学": "science",
    "通信": "communications", "通讯": "communications", "电信": "telecom", "航空": "aviation",
    "航天": "aerospace", "工业": "industry", "工程": "engineering", "船舶": "shipbuilding",
    "重工": "heavy industry", "机械": "machinery", "电力": "electric power", "能源": "energy",
    "石油": "petroleum", "石化": "petrochemical", "化工": "chemical", "天然气": "natural gas",
    "海洋": "offshore", "投资": "investment", "贸易": "trading", "进出口": "import and export",
    "国际": "international", "发展": "development", "建设": "construction", "建筑": "construction",
    "交通": "transportation", "运输": "transportation", "物流": "logistics", "网络": "network",
    "信息": "information", "软件": "software", "半导体": "semiconductor", "集成电路": "integrated circuit",
    "制造": "manufacturing", "微电子": "microelectronics", "光电": "optoelectronics", "设备": "equipment",
    "仪器": "instrument", "核": "nuclear", "兵器": "ordnance", "武器": "weapons", "导弹": "missile",
    "火箭": "rocket", "卫星": "satellite", "飞机": "aircraft", "移动": "mobile", "联通": "unicom",
    "实业": "industrial", "汽车": "automobile", "钢铁": "steel", "矿业": "mining", "资源": "resources",
    "金融": "financial", "保险": "insurance", "证券": "securities", "医药": "pharmaceutical",
    "生物": "biotechnology", "智能": "intelligent", "人工智能": "artificial intelligence", "数据": "data",
    "安全": "security", "视频": "video", "数字": "digital", "电气": "electric", "计算机": "computer",
    "系统": "systems", "控制": "control", "自动化": "automation", "精密": "precision", "材料": "materials",
    "动力": "power", "发动机": "engine", "装备": "equipment", "产业": "industry", "光学": "optics",
    "激光": "laser", "雷达": "radar", "电器": "electric appliance", "海运": "shipping", "航运": "shipping",
    "港口": "port", "电网": "grid", "水电": "hydropower", "建材": "building materials",
    # country, state and qualifiers
    "中国": "china", "中华": "china", "国家": "state", "人民": "people", "共和国": "republic",
    "国有": "state owned", "解放军": "liberation army", "军": "army", "第": "no", "新": "new",
    # places printed in their own spelling
    "北京": "beijing", "上海": "shanghai", "天津": "tianjin", "重庆": "chongqing", "广州": "guangzhou",
    "深圳": "shenzhen", "武汉": "wuhan", "南京": "nanjing", "西安": "xian", "成都": "chengdu",
    "杭州": "hangzhou", "哈尔滨": "harbin", "沈阳": "shenyang", "长沙": "changsha", "合肥": "hefei",
    "大连": "dalian", "青岛": "qingdao", "厦门": "xiamen", "苏州": "suzhou", "香港": "hong kong",
    "澳门": "macau", "台湾": "taiwan", "广东": "guangdong", "江苏": "jiangsu", "浙江": "zhejiang",
    "四川": "sichuan", "湖北": "hubei", "湖南": "hunan", "陕西": "shaanxi", "山东": "shandong",
    "河南": "henan", "河北": "hebei", "福建": "fujian", "安徽": "anhui", "辽宁": "liaoning",
    "吉林": "jilin", "黑龙江": "heilongjiang", "云南": "yunnan", "贵州": "guizhou", "新疆": "xinjiang",
    "西藏": "tibet", "内蒙古": "inner mongolia", "山西": "shanxi", "江西": "jiangxi", "广西": "guangxi",
    "海南": "hainan", "甘肃": "gansu", "宁夏": "ningxia", "青海": "qinghai", "珠海": "zhuhai",
    "无锡": "wuxi", "宁波": "ningbo", "郑州": "zhengzhou", "济南": "jinan", "昆明": "kunming",
}  # fmt: skip
_LONGEST = max(len(w) for w in WORDS)


def _proper(run: str) -> list[str]:
    """A run of Han characters the dictionary does not know, as pinyin words of two syllables."""
    chunks: list[str] = []
    i = 0
    while i < len(run):
        size = 3 if len(run) - i == 3 else 2
        chunks.append(run[i : i + size])
        i += size
    return [pinyin(c, joined=True) for c in chunks]


@lru_cache(maxsize=4096)
def translate(text: str) -> str:
    """Han text as English organisation words; other characters are kept. Empty when no Han."""
    if not has_han(text):
        return ""
    out: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(text):
        for size in range(min(_LONGEST, len(text) - i), 0, -1):
            english = WORDS.get(text[i : i + size])
            if english is not None:
                break
        else:
            english = None
        if english is None:
            ch = text[i]
            if has_han(ch):
                unknown.append(ch)
            else:
                if unknown:
                    out.extend(_proper("".join(unknown)))
                    unknown = []
                out.append(ch)
            i += 1
            continue
        if unknown:
            out.extend(_proper("".join(unknown)))
            unknown = []
        out.append(f" {english} ")
        i += size
    if unknown:
        out.extend(_proper("".join(unknown)))
    return ascii_fold(" ".join(out))
